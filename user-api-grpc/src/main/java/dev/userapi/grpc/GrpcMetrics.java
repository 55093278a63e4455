package dev.userapi.grpc;

import static java.util.Objects.requireNonNull;

import dev.userapi.grpc.internal.MicrometerCalls;
import dev.userapi.grpc.internal.ObservedCalls;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Per-method metrics of the user service through Micrometer. Every call is timed from its start
 * until it ends — for streaming calls, until the stream ends — and recorded as:
 *
 * <ul>
 *   <li>the timer {@value #CALLS} (count, total time, maximum), tagged with exactly {@code
 *       protocol=grpc}, {@code method} (the {@link dev.userapi.core.UserOperation} name of the rpc,
 *       e.g. {@code GET} for {@code GetUser}, {@code CREATE_ALL} for {@code BatchCreateUsers}) and
 *       {@code code} ({@code OK}, the {@code ErrorCode} name such as {@code NOT_FOUND}, or {@code
 *       CANCELLED} when the client went away first);
 *   <li>for failed calls, the counter {@value #ERRORS} with the same tags.
 * </ul>
 *
 * <p>Every tag takes its values from a small fixed set. Calls to other services (health,
 * reflection), should the interceptor see them, are not recorded. The REST adapter records the same
 * names and tags each request by the same {@code UserOperation}, with {@code protocol=rest}, so one
 * dashboard covers both. Micrometer ({@code io.micrometer:micrometer-core}) is an optional
 * dependency of this module: add it to use this class; nothing else in the module loads it.
 *
 * <pre>{@code
 * serverBuilder.addService(
 *     ServerInterceptors.intercept(UserGrpcService.of(users), GrpcMetrics.interceptor(registry)));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class GrpcMetrics {
  /** Name of the timer of all calls. */
  public static final String CALLS = "userapi.server.calls";

  /** Name of the counter of failed calls. */
  public static final String ERRORS = "userapi.server.errors";

  private GrpcMetrics() {}

  /**
   * A server interceptor recording every call it sees into {@code registry}. Install it first
   * (outermost) to also count calls that other interceptors reject. Thread-safe.
   *
   * @param registry where the meters are registered
   * @return a new interceptor
   */
  public static ServerInterceptor interceptor(MeterRegistry registry) {
    return new ObservedCalls(new MicrometerCalls(requireNonNull(registry, "registry")));
  }
}
