package dev.userapi.rest.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method of the API that is no user operation and is open without a token (health
 * for probes, the OpenAPI document for browsers). The opposite of {@link Operation}: every resource
 * method of the API declares exactly one of the two.
 *
 * <p>Not API: used by userapi modules only.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface PublicEndpoint {}
