package dev.userapi.core.internal;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded in-memory change feed: the last {@code capacity} events in a ring, and a publisher per
 * watcher that replays from a sequence and then follows live appends, honouring demand. A watcher
 * that falls a whole ring behind is ended with RESOURCE_EXHAUSTED (it may resume from its last
 * sequence while that is still retained), so a stuck watcher never holds memory or slows writers. A
 * watch never completes: it ends by cancellation or an error only (so the Reactive Streams TCK
 * cases that wait for {@code onComplete} do not apply to it). Signals go through {@link
 * DrainingSubscription}, so a request, a cancel and an append on different threads stay serial.
 *
 * <p>Appends must be serialised by the caller (the store's write lock) and are followed by {@link
 * #signalWatchers()} outside that lock; delivery runs on the signalling or requesting thread.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class EventLog {
  private final int capacity;
  private final AtomicReferenceArray<UserEvent> ring;
  private volatile long lastSequence;
  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

  public EventLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.capacity = capacity;
    this.ring = new AtomicReferenceArray<>(capacity);
  }

  /** The sequence the next appended event must carry. Call under the write lock. */
  public long nextSequence() {
    return lastSequence + 1;
  }

  /** The newest sequence appended, 0 when none. */
  public long lastSequence() {
    return lastSequence;
  }

  /** Appends an event carrying {@link #nextSequence()}. Call under the write lock. */
  public void append(UserEvent event) {
    if (event.sequence() != lastSequence + 1) {
      throw new IllegalStateException(
          "sequence: " + event.sequence() + " (expected: " + (lastSequence + 1) + ")");
    }
    ring.set(slot(event.sequence()), event);
    lastSequence = event.sequence();
  }

  /** Delivers newly appended events to watchers with demand. Call outside the write lock. */
  public void signalWatchers() {
    for (Watcher watcher : watchers) {
      watcher.drain();
    }
  }

  /** Number of live watchers, for tests and metrics. */
  public int watcherCount() {
    return watchers.size();
  }

  /** A publisher of events after {@code afterSequence} (negative: from the next append on). */
  public Flow.Publisher<UserEvent> publisher(long afterSequence) {
    return subscriber -> {
      long last = lastSequence;
      long oldestRetained = Math.max(1, last - capacity + 1);
      Watcher watcher = new Watcher(subscriber, afterSequence < 0 ? last + 1 : afterSequence + 1);
      UserException rejection = null;
      if (afterSequence > last) {
        rejection =
            UserException.invalidArgument(
                "afterSequence", "is ahead of the newest event (" + last + ")");
      } else if (afterSequence >= 0 && afterSequence + 1 < oldestRetained) {
        rejection =
            UserException.invalidArgument(
                "afterSequence",
                "is older than the oldest retained event (" + oldestRetained + ")");
      }
      if (rejection != null) {
        // Decided before onSubscribe: a subscriber requesting from onSubscribe must not drain
        // first and be told "fell behind" instead of the real reason.
        watcher.rejection = rejection;
        subscriber.onSubscribe(watcher);
        watcher.drain(); // delivers the rejection even before any demand
        return;
      }
      subscriber.onSubscribe(watcher);
      watchers.add(watcher);
      watcher.drain();
    };
  }

  private int slot(long sequence) {
    return (int) (sequence % capacity);
  }

  private final class Watcher extends DrainingSubscription<UserEvent> {
    private long nextSequence;
    // Set before onSubscribe when the watch is refused; ends it through the drain loop.
    private UserException rejection;

    Watcher(Flow.Subscriber<? super UserEvent> subscriber, long nextSequence) {
      super(subscriber);
      this.nextSequence = nextSequence;
    }

    @Override
    protected long emit(long requested) {
      if (rejection != null) {
        fail(rejection);
        return 0;
      }
      long emitted = 0;
      while (!isCancelled()) {
        long last = lastSequence;
        if (nextSequence <= last - capacity) {
          fail(fellBehind());
          return emitted;
        }
        if (emitted == requested || nextSequence > last) {
          break;
        }
        UserEvent event = ring.get(slot(nextSequence));
        if (event == null || event.sequence() != nextSequence) {
          fail(fellBehind());
          return emitted;
        }
        next(event);
        nextSequence++;
        emitted++;
      }
      return emitted;
    }

    @Override
    protected void release() {
      watchers.remove(this);
    }

    private UserException fellBehind() {
      return new UserException(
          ErrorCode.RESOURCE_EXHAUSTED,
          "watcher fell more than "
              + capacity
              + " events behind; watch again after sequence "
              + (nextSequence - 1));
    }
  }
}
