package dev.userapi.rest;

import static java.util.Objects.requireNonNull;

import dev.userapi.rest.internal.ComponentFeature;
import dev.userapi.rest.internal.MicrometerRequests;
import dev.userapi.rest.internal.ObservedRequests;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.core.Feature;

/**
 * Per-method metrics of the REST API through Micrometer. Every request is timed from its arrival
 * until its response is written — for NDJSON streams, until the last line; server-sent event
 * watches until their response starts — and recorded as:
 *
 * <ul>
 *   <li>the timer {@value #CALLS}, tagged {@code protocol=rest}, {@code method}, {@code code}
 *       ({@code OK} or the {@code ErrorCode} name of the problem response, such as {@code
 *       NOT_FOUND}) and {@code status} (the HTTP status), and with no other tag;
 *   <li>for failed requests (status 400 and up), the counter {@value #ERRORS} with the same tags.
 * </ul>
 *
 * <p>{@code method} is the {@code UserOperation} name that the resource method declares, such as
 * {@code GET}, {@code UPDATE} or {@code CREATE_ALL}: not the HTTP method (PATCH and POST with
 * method override are both {@code UPDATE}; the two batch-create bodies are both {@code
 * CREATE_ALL}). Resource methods that are no user operation are tagged with their Java name ({@code
 * health}, {@code openApi}, or that of the application's own resource), and requests that matched
 * none with {@code unmatched}: every value comes from a bounded set.
 *
 * <p>The gRPC adapter records the same names with {@code protocol=grpc}. Micrometer ({@code
 * io.micrometer:micrometer-core}) is an optional dependency of this module: add it to use this
 * class; nothing else in the module loads it. URIs are never tags (they hold ids and filters).
 *
 * <pre>{@code
 * new ResourceConfig().register(UserApiFeature.builder(users).meterRegistry(registry).build());
 * // or next to any JAX-RS application:
 * new ResourceConfig().register(RestMetrics.feature(registry));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RestMetrics {
  /** Name of the timer of all requests. */
  public static final String CALLS = "userapi.server.calls";

  /** Name of the counter of failed requests. */
  public static final String ERRORS = "userapi.server.errors";

  private RestMetrics() {}

  /**
   * A feature that records every request of the application into {@code registry}. Its filter runs
   * before all others, so requests they reject (401, 413) are counted too. Thread-safe.
   *
   * @param registry where the meters are registered
   * @return a new feature to register with the application
   */
  public static Feature feature(MeterRegistry registry) {
    return new ComponentFeature(
        new ObservedRequests(new MicrometerRequests(requireNonNull(registry, "registry"))),
        ComponentFeature.OUTERMOST);
  }
}
