package dev.userapi.grpc.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * The trace-context interceptors behind {@code GrpcTracing}. Not API: used by userapi modules only.
 */
public final class TracingInterceptors {
  private TracingInterceptors() {}

  /** Writes the caller's current context into the headers of every call. Thread-safe. */
  public static final class Inject implements ClientInterceptor {
    private final TextMapPropagator propagator;

    public Inject(TextMapPropagator propagator) {
      this.propagator = propagator;
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(
        MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<A> listener, Metadata headers) {
          propagator.inject(Context.current(), headers, MetadataCarrier.INSTANCE);
          super.start(listener, headers);
        }
      };
    }
  }

  /**
   * Reads the caller's context from the headers and makes it current while the service handles the
   * call (in every listener callback, whichever thread runs it). Thread-safe.
   */
  public static final class Extract implements ServerInterceptor {
    private final TextMapPropagator propagator;

    public Extract(TextMapPropagator propagator) {
      this.propagator = propagator;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      Context context = propagator.extract(Context.current(), headers, MetadataCarrier.INSTANCE);
      ServerCall.Listener<Q> listener;
      try (Scope ignored = context.makeCurrent()) {
        listener = next.startCall(call, headers);
      }
      return new InContext<>(listener, context);
    }
  }

  private static final class InContext<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final Context context;

    InContext(ServerCall.Listener<Q> delegate, Context context) {
      super(delegate);
      this.context = context;
    }

    @Override
    public void onMessage(Q message) {
      try (Scope ignored = context.makeCurrent()) {
        super.onMessage(message);
      }
    }

    @Override
    public void onHalfClose() {
      try (Scope ignored = context.makeCurrent()) {
        super.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      try (Scope ignored = context.makeCurrent()) {
        super.onCancel();
      }
    }

    @Override
    public void onComplete() {
      try (Scope ignored = context.makeCurrent()) {
        super.onComplete();
      }
    }

    @Override
    public void onReady() {
      try (Scope ignored = context.makeCurrent()) {
        super.onReady();
      }
    }
  }
}
