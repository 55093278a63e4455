package dev.userapi.core.internal;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demand accounting and signal serialisation shared by userapi's pull-style publishers: {@link
 * #request} and {@link #cancel} only record what happened and call {@link #drain()}, and exactly
 * one thread at a time runs the drain loop, which is the only place the subscriber is signalled. So
 * signals are serial (Reactive Streams rule 1.3) whichever threads request, cancel or announce new
 * items; demand adds up and saturates at {@code Long.MAX_VALUE} (3.17); a non-positive request ends
 * the subscription with {@link IllegalArgumentException} (3.9) through the same loop; a request
 * from within {@code onNext} is picked up by the running loop instead of recursing (3.3).
 *
 * <p>A subclass supplies {@link #emit(long)}, which sends at most the given number of items and may
 * end the stream with {@link #complete()} or {@link #fail(Throwable)}, and {@link #release()},
 * which frees what the subscription holds once it has ended in any way. Call {@link #drain()}
 * whenever new items may be available.
 *
 * <p>Not API: used by userapi modules only.
 *
 * @param <T> the item type
 */
public abstract class DrainingSubscription<T> implements Flow.Subscription {
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean cancelled;
  private volatile Throwable badRequest;
  // Read and written by the draining thread only (the wip counter orders them across threads).
  private Flow.Subscriber<? super T> subscriber;
  private boolean done;

  protected DrainingSubscription(Flow.Subscriber<? super T> subscriber) {
    this.subscriber = requireNonNull(subscriber, "subscriber");
  }

  @Override
  public final void request(long n) {
    if (n <= 0) {
      if (badRequest == null) {
        badRequest = new IllegalArgumentException("request: " + n + " (expected: > 0)");
      }
    } else {
      demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
    }
    drain();
  }

  @Override
  public final void cancel() {
    cancelled = true;
    drain();
  }

  /** Whether the subscriber cancelled; an {@link #emit} loop checks it between items. */
  protected final boolean isCancelled() {
    return cancelled;
  }

  /**
   * Sends at most {@code requested} items with {@link #next}, stopping early when there are no more
   * for now, when {@link #isCancelled()}, or after {@link #complete()} / {@link #fail}. Runs on one
   * thread at a time.
   *
   * @return how many items were sent
   */
  protected abstract long emit(long requested);

  /** Frees what the subscription holds; called once, from the drain loop, when it has ended. */
  protected abstract void release();

  /** Sends one item; only from {@link #emit}. */
  protected final void next(T item) {
    subscriber.onNext(item);
  }

  /** Ends the stream normally; only from {@link #emit} (or before any demand, from drain). */
  protected final void complete() {
    Flow.Subscriber<? super T> s = end();
    if (s != null) {
      s.onComplete();
    }
  }

  /** Ends the stream with {@code error}; only from {@link #emit}. */
  protected final void fail(Throwable error) {
    Flow.Subscriber<? super T> s = end();
    if (s != null) {
      s.onError(error);
    }
  }

  /** Runs the loop now if no other thread is running it, else makes that thread go round again. */
  protected final void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      if (done) {
        return; // wip stays raised: nothing drains an ended subscription again
      }
      if (cancelled) {
        end(); // rule 3.13: the subscriber is dropped with the rest
        return;
      }
      if (badRequest != null) {
        fail(badRequest);
        return;
      }
      long emitted = emit(demand.get());
      if (done) {
        return;
      }
      if (emitted > 0) {
        demand.addAndGet(-emitted);
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private Flow.Subscriber<? super T> end() {
    if (done) {
      return null;
    }
    done = true;
    Flow.Subscriber<? super T> s = subscriber;
    subscriber = null;
    release();
    return s;
  }
}
