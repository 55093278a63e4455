package dev.userapi.grpc.internal;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A cold {@link Flow.Publisher} over a server-streaming call: each subscription starts its own
 * call. Demand maps one to one onto gRPC's inbound flow control ({@code request(n)} on the call,
 * with automatic requesting disabled), so the client receives, and the server sends, no more than
 * the subscriber asked for beyond the transport's window. {@link Flow.Subscription#cancel()}
 * cancels the call, which cancels the work on the server.
 *
 * <p>Failures reach the subscriber as {@code UserException}s rebuilt by {@link GrpcErrors}.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class ClientStreamPublisher<R, T> implements Flow.Publisher<T> {
  private final Consumer<ClientResponseObserver<Object, R>> starter;
  private final Function<? super R, ? extends T> mapper;

  /**
   * @param starter starts the call with the given observer, e.g. {@code o ->
   *     stub.streamUsers(request, o)}
   * @param mapper converts each response message
   */
  public ClientStreamPublisher(
      Consumer<ClientResponseObserver<Object, R>> starter,
      Function<? super R, ? extends T> mapper) {
    this.starter = requireNonNull(starter, "starter");
    this.mapper = requireNonNull(mapper, "mapper");
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    requireNonNull(subscriber, "subscriber");
    new Bridge(subscriber).start();
  }

  private final class Bridge implements ClientResponseObserver<Object, R>, Flow.Subscription {
    private final Flow.Subscriber<? super T> subscriber;
    private ClientCallStreamObserver<Object> call;
    // Guarded by this: demand that arrived before the call started, and the call's life cycle.
    private long pendingDemand;
    private boolean started;
    private volatile boolean cancelled;
    private volatile boolean terminated;

    Bridge(Flow.Subscriber<? super T> subscriber) {
      this.subscriber = subscriber;
    }

    void start() {
      subscriber.onSubscribe(this);
      if (cancelled) {
        return;
      }
      try {
        starter.accept(this);
      } catch (RuntimeException e) {
        terminated = true;
        subscriber.onError(GrpcErrors.toUserException(e));
        return;
      }
      long initial;
      synchronized (this) {
        started = true;
        if (cancelled) {
          call.cancel("cancelled by the subscriber", null);
          return;
        }
        initial = pendingDemand;
        pendingDemand = 0;
        if (initial > 0) {
          call.request(clamp(initial));
        }
      }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
      this.call = requestStream;
      requestStream.disableAutoRequestWithInitial(0);
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancel();
        if (!terminated) {
          terminated = true;
          subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        }
        return;
      }
      synchronized (this) {
        if (cancelled || terminated) {
          return;
        }
        if (!started) {
          pendingDemand = pendingDemand + n < 0 ? Long.MAX_VALUE : pendingDemand + n;
          return;
        }
        call.request(clamp(n));
      }
    }

    @Override
    public void cancel() {
      synchronized (this) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        if (started && !terminated) {
          call.cancel("cancelled by the subscriber", null);
        }
      }
    }

    @Override
    public void onNext(R value) {
      if (cancelled || terminated) {
        return;
      }
      T item;
      try {
        item = mapper.apply(value);
      } catch (RuntimeException e) {
        cancel();
        terminated = true;
        subscriber.onError(GrpcErrors.toUserException(e));
        return;
      }
      subscriber.onNext(item);
    }

    @Override
    public void onError(Throwable error) {
      if (cancelled || terminated) {
        return;
      }
      terminated = true;
      subscriber.onError(GrpcErrors.toUserException(error));
    }

    @Override
    public void onCompleted() {
      if (cancelled || terminated) {
        return;
      }
      terminated = true;
      subscriber.onComplete();
    }

    private int clamp(long n) {
      return (int) Math.min(n, Integer.MAX_VALUE);
    }
  }
}
