package dev.userapi.rest.internal;

import dev.userapi.core.UserOperation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@link UserOperation} a resource method of the API performs, declared where the method is
 * defined. The bearer filter authorises the call by its scope and the metrics tag it by its name; a
 * resource method of the API that declares neither this nor {@link PublicEndpoint} is refused.
 *
 * <p>Not API: used by userapi modules only.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Operation {
  /** The operation. */
  UserOperation value();
}
