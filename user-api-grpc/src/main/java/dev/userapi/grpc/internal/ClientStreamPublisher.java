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
    /**
     * Most messages left requested from the call at once. gRPC counts requested messages in an
     * {@code int} and adds each {@code request} to it, so asking it for more than this in total
     * overflows and stalls the stream (Reactive Streams rule 3.17: demand up to Long.MAX_VALUE).
     */
    private static final long MAX_AT_CALL = Integer.MAX_VALUE;

    private final Flow.Subscriber<? super T> subscriber;
    private ClientCallStreamObserver<Object> call;
    // Guarded by this: demand not yet met (saturating), the part of it passed on to the call, and
    // the call's life cycle.
    private long demand;
    private long requestedFromCall;
    private boolean started;
    private Throwable badRequest;
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
      synchronized (this) {
        started = true;
        if (cancelled) {
          call.cancel("cancelled by the subscriber", null);
          return;
        }
        if (badRequest != null) {
          // Requested 0 or less from onSubscribe: end through the call like a later bad request.
          call.cancel("invalid request from the subscriber", badRequest);
          return;
        }
        passDemandToCall();
      }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
      this.call = requestStream;
      requestStream.disableAutoRequestWithInitial(0);
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        if (cancelled || terminated || badRequest != null) {
          return;
        }
        if (n <= 0) {
          // Rule 3.9, signalled from the call's own callback thread (cancelling makes gRPC call
          // onError) so that it cannot overlap an onNext being delivered there (rule 1.3).
          badRequest = new IllegalArgumentException("request: " + n + " (expected: > 0)");
          if (started) {
            call.cancel("invalid request from the subscriber", badRequest);
          }
          return;
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        if (started) {
          passDemandToCall();
        }
      }
    }

    /** Tops the call's requested count up to the demand, within what gRPC can count. */
    private void passDemandToCall() {
      long more = Math.min(demand, MAX_AT_CALL) - requestedFromCall;
      if (more > 0) {
        requestedFromCall += more;
        call.request((int) more);
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
      synchronized (this) {
        requestedFromCall--;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        // Only near the bound: below it the call's count already covers the whole demand.
        if (requestedFromCall < MAX_AT_CALL / 2) {
          passDemandToCall();
        }
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
      Throwable invalid;
      synchronized (this) {
        invalid = badRequest;
      }
      if (invalid != null && !terminated) {
        terminated = true;
        subscriber.onError(invalid);
        return;
      }
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
  }
}
