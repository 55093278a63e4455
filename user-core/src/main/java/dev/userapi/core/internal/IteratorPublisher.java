package dev.userapi.core.internal;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * A cold publisher over an iterator created per subscription. Items are emitted synchronously on
 * the thread that calls {@code request}, never more than requested; a subscriber that requests from
 * {@code onNext} does not recurse ({@link DrainingSubscription} serialises the signals). Cancelling
 * stops iteration and closes the iterator if it is {@link AutoCloseable}.
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

  private static final class IteratorSubscription<T> extends DrainingSubscription<T> {
    private final Supplier<? extends Iterator<? extends T>> source;
    private Iterator<? extends T> iterator;

    IteratorSubscription(
        Flow.Subscriber<? super T> subscriber, Supplier<? extends Iterator<? extends T>> source) {
      super(subscriber);
      this.source = source;
    }

    @Override
    protected long emit(long requested) {
      long emitted = 0;
      try {
        if (iterator == null) {
          iterator = source.get();
        }
        while (emitted != requested && !isCancelled()) {
          if (!iterator.hasNext()) {
            complete();
            return emitted;
          }
          next(iterator.next());
          emitted++;
        }
      } catch (RuntimeException | Error e) {
        fail(e);
      }
      return emitted;
    }

    @Override
    protected void release() {
      if (iterator instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // Nothing useful to do: the stream is over either way.
        }
      }
      iterator = null;
    }
  }
}
