package dev.userapi.server.internal.console;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the console's tools (JAX-RS name binding): {@link ConsoleToolFilter} lets a call through
 * the guard, or answers its refusal, before the resource method runs.
 *
 * <p>Not API: used by userapi modules only.
 */
@Documented
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface ConsoleTool {}
