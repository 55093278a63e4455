package dev.userapi.grpc;

import static java.util.Objects.requireNonNull;

import dev.userapi.grpc.internal.TracingInterceptors;
import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;

/**
 * OpenTelemetry trace-context propagation through gRPC metadata, with the propagators of the {@link
 * OpenTelemetry} instance you pass (W3C {@code traceparent}/{@code tracestate} with the usual
 * configuration). The client interceptor writes the caller's current context into each call's
 * headers; the server interceptor reads it and makes it current while the service handles the call,
 * so spans the service starts become children of the caller's span. These interceptors start no
 * spans themselves: that is the job of your instrumentation (or the agent).
 *
 * <p>The OpenTelemetry API ({@code io.opentelemetry:opentelemetry-api}) is an optional dependency
 * of this module: add it to use this class; nothing else in the module loads it.
 *
 * <pre>{@code
 * GrpcUserClient client = GrpcUserClient.builder().target("users:9090")
 *     .intercept(GrpcTracing.clientInterceptor(openTelemetry)).build();
 * serverBuilder.addService(ServerInterceptors.intercept(
 *     UserGrpcService.of(users), GrpcTracing.serverInterceptor(openTelemetry)));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class GrpcTracing {
  private GrpcTracing() {}

  /**
   * A client interceptor that sends the current context with every call. Thread-safe.
   *
   * @param openTelemetry whose propagators write the context into the call's metadata
   * @return a new interceptor
   */
  public static ClientInterceptor clientInterceptor(OpenTelemetry openTelemetry) {
    requireNonNull(openTelemetry, "openTelemetry");
    return new TracingInterceptors.Inject(openTelemetry.getPropagators().getTextMapPropagator());
  }

  /**
   * A server interceptor that makes the caller's context current for the call (the current context,
   * unchanged, when the caller sent none). Thread-safe.
   *
   * @param openTelemetry whose propagators read the context from the call's metadata
   * @return a new interceptor
   */
  public static ServerInterceptor serverInterceptor(OpenTelemetry openTelemetry) {
    requireNonNull(openTelemetry, "openTelemetry");
    return new TracingInterceptors.Extract(openTelemetry.getPropagators().getTextMapPropagator());
  }
}
