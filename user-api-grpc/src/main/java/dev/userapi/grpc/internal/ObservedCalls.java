package dev.userapi.grpc.internal;

import dev.userapi.core.UserOperation;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures every call it intercepts from its start until it ends (closed by the server or cancelled
 * by the client; for streaming calls that is the end of the stream) and reports the outcome once to
 * a {@link Sink}: the bare method name, the {@link UserOperation} it performs (see {@link
 * RpcOperations}), the outcome code and the duration. It never looks at messages or metadata
 * values, so no personal data reaches a sink.
 *
 * <p>The outcome code is {@code OK}, the name of the {@code ErrorCode} the status stands for, or
 * {@code CANCELLED} when the client went away first. Thread-safe. Not API: used by userapi modules
 * only.
 */
public final class ObservedCalls implements ServerInterceptor {
  /** The code of a call that the client cancelled (or whose deadline passed) before it ended. */
  public static final String CANCELLED = "CANCELLED";

  /** Receives each finished call, exactly once, on whatever thread ended it. */
  public interface Sink {
    /**
     * Records one call.
     *
     * @param method the bare rpc name, e.g. {@code GetUser}
     * @param operation what the call performs, or null when it is not a user-service call (a health
     *     check seen by an interceptor installed server-wide, say)
     * @param code {@code OK}, an {@code ErrorCode} name or {@link #CANCELLED}
     * @param nanos how long the call took
     * @param peer the remote address, or null when the transport does not tell
     */
    void record(
        String method, UserOperation operation, String code, long nanos, SocketAddress peer);
  }

  private final Sink sink;

  public ObservedCalls(Sink sink) {
    this.sink = sink;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    Outcome outcome = new Outcome(call);
    ServerCall<Q, A> observed =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            // Before the status leaves: a client that saw the end finds the call recorded.
            outcome.finish(codeOf(status));
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(observed, headers);
    } catch (RuntimeException e) {
      outcome.finish("INTERNAL");
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        outcome.finish(CANCELLED);
        super.onCancel();
      }
    };
  }

  /** {@code OK} or the name of the {@code ErrorCode} that {@code status} stands for. */
  static String codeOf(Status status) {
    return status.isOk() ? "OK" : GrpcErrors.errorCode(status.getCode()).name();
  }

  private final class Outcome {
    private final long start = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final ServerCall<?, ?> call;

    Outcome(ServerCall<?, ?> call) {
      this.call = call;
    }

    void finish(String code) {
      if (finished.compareAndSet(false, true)) {
        MethodDescriptor<?, ?> method = call.getMethodDescriptor();
        sink.record(
            method.getBareMethodName(),
            RpcOperations.of(method.getFullMethodName()),
            code,
            System.nanoTime() - start,
            call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
      }
    }
  }
}
