package dev.userapi.rest.internal;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds the filters and interceptors of {@code UserApiFeature} to the API's own resources (JAX-RS
 * name binding), so that the application's other resources behave as if the feature were not
 * registered. On {@code UserResource} and on each provider the feature scopes to it.
 *
 * <p>Not API: used by userapi modules only.
 */
@Documented
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface UserApi {}
