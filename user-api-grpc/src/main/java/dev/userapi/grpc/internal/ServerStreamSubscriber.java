package dev.userapi.grpc.internal;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Feeds a server-streaming call from a {@link Flow.Publisher}, at the pace of the client. Items are
 * requested from the publisher in small batches and only while the call {@linkplain
 * ServerCallStreamObserver#isReady() is ready} (its outbound buffer is below the transport's
 * threshold); when it is not, requesting resumes from the {@linkplain
 * ServerCallStreamObserver#setOnReadyHandler on-ready handler}. So the server holds at most one
 * batch plus the transport's buffer per call, however slow the reader. When the call ends early
 * (client cancel, deadline, disconnect) the subscription is cancelled, which stops the work behind
 * the publisher.
 *
 * <p>With a stall timeout, a call that stays not ready that long (its client took no data, though
 * the stream had more to send) is ended with DEADLINE_EXCEEDED and its subscription cancelled, so a
 * client that never reads cannot hold the work behind the stream for good. A slow reader that takes
 * a window's worth of data within the timeout is not affected.
 *
 * <p>Thread-safety: publisher signals are serial (Flow rules) and, like the stall timer, write to
 * the call under this object's lock; the on-ready and on-cancel handlers run on the call's executor
 * and only touch atomics and the subscription.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class ServerStreamSubscriber<T, R> implements Flow.Subscriber<T> {
  static final int BATCH = 32;

  private final ServerCallStreamObserver<R> call;
  private final Function<? super T, ? extends R> mapper;
  private final StallTimeout stallTimeout;
  private final StallClock stallClock;

  /** Items requested from the publisher and not yet received. */
  private final AtomicInteger outstanding = new AtomicInteger();

  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;
  private volatile boolean done; // written under this object's lock

  private ServerStreamSubscriber(
      ServerCallStreamObserver<R> call,
      Function<? super T, ? extends R> mapper,
      StallTimeout stallTimeout) {
    this.call = call;
    this.mapper = mapper;
    this.stallTimeout = stallTimeout;
    // Progress is the call seen ready; the clock runs while it is not.
    this.stallClock =
        new StallClock(stallTimeout, () -> !cancelled && !done && !call.isReady(), this::stalled);
  }

  /**
   * Subscribes to {@code publisher} and streams its items, mapped, into {@code call}. Must be
   * called from the service method (handlers can only be installed before it returns).
   */
  public static <T, R> void stream(
      Flow.Publisher<T> publisher,
      ServerCallStreamObserver<R> call,
      Function<? super T, ? extends R> mapper,
      StallTimeout stallTimeout) {
    ServerStreamSubscriber<T, R> subscriber =
        new ServerStreamSubscriber<>(call, mapper, stallTimeout);
    call.setOnCancelHandler(subscriber::onCallCancelled);
    call.setOnReadyHandler(subscriber::requestIfReady);
    publisher.subscribe(subscriber);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    requireNonNull(s, "subscription"); // Reactive Streams rule 2.13, as for the other signals
    if (subscription != null) {
      s.cancel();
      return;
    }
    subscription = s;
    if (cancelled) {
      s.cancel();
      return;
    }
    requestIfReady();
  }

  @Override
  public void onNext(T item) {
    requireNonNull(item, "item");
    synchronized (this) {
      if (cancelled || done) {
        return;
      }
      outstanding.decrementAndGet();
      try {
        call.onNext(mapper.apply(item));
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
    }
    requestIfReady();
  }

  @Override
  public void onError(Throwable error) {
    requireNonNull(error, "error");
    synchronized (this) {
      if (!cancelled && !done) {
        done = true;
        call.onError(GrpcErrors.toStatusException(error));
      }
    }
    stallClock.stop();
  }

  @Override
  public void onComplete() {
    synchronized (this) {
      if (!cancelled && !done) {
        done = true;
        call.onCompleted();
      }
    }
    stallClock.stop();
  }

  private void fail(RuntimeException error) {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    onError(error);
  }

  private void requestIfReady() {
    Flow.Subscription s = subscription;
    if (s == null || cancelled || done) {
      return;
    }
    if (!call.isReady()) {
      stallClock.start();
      return;
    }
    stallClock.progress();
    stallClock.stop();
    // Only the thread that moves "nothing outstanding" to "a batch outstanding" requests.
    if (outstanding.compareAndSet(0, BATCH)) {
      s.request(BATCH);
    }
  }

  private void stalled() {
    synchronized (this) {
      if (cancelled || done || call.isReady() || !stallClock.expired()) {
        return; // the client took data meanwhile; the next stall starts the clock again
      }
      done = true;
      call.onError(stallTimeout.exceeded());
    }
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  private void onCallCancelled() {
    cancelled = true;
    stallClock.stop();
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
