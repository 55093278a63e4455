package dev.userapi.grpc.internal;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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

  /**
   * How long a stream may stay not ready before it is ended, and the scheduler that times it.
   *
   * @param timeout a positive duration
   * @param scheduler runs the (short) timer tasks
   */
  public record StallTimeout(Duration timeout, ScheduledExecutorService scheduler) {
    /** Checks the arguments. */
    public StallTimeout {
      Durations.requirePositive(timeout, "timeout");
      requireNonNull(scheduler, "scheduler");
    }

    /**
     * The status a stalled call ends with: DEADLINE_EXCEEDED, saying for how long the client took
     * no data.
     *
     * @return the status, as an exception to pass to {@code onError}
     */
    public StatusRuntimeException exceeded() {
      return Status.DEADLINE_EXCEEDED
          .withDescription(
              "the client took no data for " + timeout.toMillis() + " ms; the stream was ended")
          .asRuntimeException();
    }

    /**
     * The status a client-streaming call ends with when its client stops sending:
     * DEADLINE_EXCEEDED, saying for how long it sent nothing.
     *
     * @return the status, as an exception to pass to {@code onError}
     */
    public StatusRuntimeException sentNothing() {
      return Status.DEADLINE_EXCEEDED
          .withDescription(
              "the client sent nothing for " + timeout.toMillis() + " ms; the call was ended")
          .asRuntimeException();
    }

    /**
     * {@code timeout} timed by one scheduler thread shared by every server in the JVM, a daemon
     * started on first use: its tasks only end a stalled call.
     *
     * @param timeout a positive duration
     * @return the stall timeout
     */
    public static StallTimeout of(Duration timeout) {
      return new StallTimeout(timeout, SharedScheduler.INSTANCE);
    }
  }

  private static final class SharedScheduler {
    static final ScheduledExecutorService INSTANCE = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor scheduler =
          new ScheduledThreadPoolExecutor(
              1,
              task -> {
                Thread thread = new Thread(task, "userapi-grpc-stall-timer");
                thread.setDaemon(true);
                return thread;
              });
      // Timers are cancelled far more often than they fire: do not keep the cancelled ones.
      scheduler.setRemoveOnCancelPolicy(true);
      return scheduler;
    }
  }
}
