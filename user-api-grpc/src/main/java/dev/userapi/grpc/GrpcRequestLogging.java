package dev.userapi.grpc;

import dev.userapi.grpc.internal.CallLog;
import dev.userapi.grpc.internal.ObservedCalls;
import io.grpc.ServerInterceptor;

/**
 * Request logging through SLF4J: one line per call at DEBUG on the logger {@value #LOGGER}, written
 * when the call ends (for streaming calls, when the stream ends):
 *
 * <pre>
 * grpc GetUser NOT_FOUND 0.412 ms peer=/127.0.0.1:53422
 * </pre>
 *
 * <p>That is the bare method name, the outcome ({@code OK}, an {@code ErrorCode} name, or {@code
 * CANCELLED}), the duration and the peer address. Requests, responses and metadata are never
 * logged, so neither are emails, names or tokens. With DEBUG off for that logger the cost is one
 * level check per call.
 *
 * <pre>{@code
 * serverBuilder.addService(
 *     ServerInterceptors.intercept(UserGrpcService.of(users), GrpcRequestLogging.interceptor()));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class GrpcRequestLogging {
  /** The logger the lines are written to. */
  public static final String LOGGER = CallLog.LOGGER;

  private GrpcRequestLogging() {}

  /**
   * A server interceptor logging every call it sees to {@link #LOGGER}. Thread-safe.
   *
   * @return a new interceptor
   */
  public static ServerInterceptor interceptor() {
    return new ObservedCalls(new CallLog());
  }
}
