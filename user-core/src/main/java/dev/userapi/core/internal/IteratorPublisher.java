package dev.userapi.core.internal;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A cold publisher over an iterator created per subscription. Items are emitted synchronously on
 * the thread that calls {@code request}, never more than requested, with a re-entrancy guard so a
 * subscriber that requests from {@code onNext} does not recurse. Cancelling stops iteration and
 * closes the iterator if it is {@link AutoCloseable}.
 *
 * <p>The iterator is opened right after {@code onSubscribe} returns, before any demand, so that a
 * source that cannot be opened (a rejected filter, say) is reported through {@code onError} even to
 * a subscriber that has not requested yet (Reactive Streams rules 1.4 and 1.9).
 *
 * <p>Not API: used by userapi modules only.
 */
public final class IteratorPublisher<T> implements Flow.Publisher<T> {
  private final Supplier<? extends Iterator<? extends T>> source;

  public IteratorPublisher(Supplier<? extends Iterator<? extends T>> source) {
    this.source = requireNonNull(source, "source");
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    requireNonNull(subscriber, "subscriber");
    IteratorSubscription<T> subscription = new IteratorSubscription<>(subscriber, source);
    subscriber.onSubscribe(subscription);
    // Opens the source (or fails) with zero demand; a no-op if onSubscribe already requested.
    subscription.drain();
  }

  private static final class IteratorSubscription<T> implements Flow.Subscription {
    private final Flow.Subscriber<? super T> subscriber;
    private final Supplier<? extends Iterator<? extends T>> source;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean cancelled;
    private volatile Throwable badRequest;
    private boolean done;
    private Iterator<? extends T> iterator;

    IteratorSubscription(
        Flow.Subscriber<? super T> subscriber, Supplier<? extends Iterator<? extends T>> source) {
      this.subscriber = subscriber;
      this.source = source;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        badRequest = new IllegalArgumentException("request: " + n + " (expected: > 0)");
      } else {
        demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
      }
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      drain();
    }

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        if (done) {
          return;
        }
        if (cancelled) {
          finish();
          return;
        }
        if (badRequest != null) {
          finish();
          subscriber.onError(badRequest);
          return;
        }
        long requested = demand.get();
        long emitted = 0;
        try {
          if (iterator == null) {
            iterator = source.get();
          }
          while (emitted != requested && !cancelled) {
            if (!iterator.hasNext()) {
              finish();
              subscriber.onComplete();
              return;
            }
            subscriber.onNext(iterator.next());
            emitted++;
          }
        } catch (RuntimeException | Error e) {
          finish();
          subscriber.onError(e);
          return;
        }
        if (emitted > 0) {
          demand.addAndGet(-emitted);
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    private void finish() {
      done = true;
      if (iterator instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // Nothing useful to do: the stream is over either way.
        }
      }
    }
  }
}
