package dev.userapi.rest;

import static java.util.Objects.requireNonNull;

import dev.userapi.rest.internal.ComponentFeature;
import dev.userapi.rest.internal.TracingFilters;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.Feature;

/**
 * OpenTelemetry trace-context propagation through HTTP headers, with the propagators of the {@link
 * OpenTelemetry} instance you pass (W3C {@code traceparent}/{@code tracestate} with the usual
 * configuration). The client filter writes the caller's current context into each request; the
 * server feature reads it and makes it current while the request is handled (from before the first
 * filter until after the last response filter, on the request thread), so spans the service starts
 * become children of the caller's span. Neither starts spans itself.
 *
 * <p>The client filter runs on the thread that sends the request: for {@link RestUserClient} that
 * is the caller's thread for request-response calls, but a reader thread for {@code stream} and
 * {@code watch}, which therefore carry no context. The OpenTelemetry API ({@code
 * io.opentelemetry:opentelemetry-api}) is an optional dependency of this module: add it to use this
 * class; nothing else in the module loads it.
 *
 * <pre>{@code
 * RestUserClient client = RestUserClient.builder().baseUri(uri)
 *     .register(RestTracing.clientFilter(openTelemetry)).build();
 * new ResourceConfig().register(UserApiFeature.of(users))
 *     .register(RestTracing.serverFeature(openTelemetry));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RestTracing {
  private RestTracing() {}

  /**
   * A client filter that sends the current context with every request. Thread-safe.
   *
   * @param openTelemetry whose propagators write the context into the request headers
   * @return a new filter, for example for {@link RestUserClient.Builder#register}
   */
  public static ClientRequestFilter clientFilter(OpenTelemetry openTelemetry) {
    requireNonNull(openTelemetry, "openTelemetry");
    return new TracingFilters.Inject(openTelemetry.getPropagators().getTextMapPropagator());
  }

  /**
   * A feature that makes the caller's context current for each request (the root context when the
   * caller sent none). Thread-safe.
   *
   * @param openTelemetry whose propagators read the context from the request headers
   * @return a new feature to register with the application
   */
  public static Feature serverFeature(OpenTelemetry openTelemetry) {
    requireNonNull(openTelemetry, "openTelemetry");
    return new ComponentFeature(
        new TracingFilters.Extract(openTelemetry.getPropagators().getTextMapPropagator()),
        ComponentFeature.OUTERMOST - 1);
  }
}
