package dev.userapi.core.internal;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded in-memory change feed: the last {@code capacity} events in a ring, and a publisher per
 * watcher that replays from a sequence and then follows live appends, honouring demand. A watcher
 * that falls a whole ring behind is ended with RESOURCE_EXHAUSTED (it may resume from its last
 * sequence while that is still retained), so a stuck watcher never holds memory or slows writers.
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
        watcher.done = true;
        subscriber.onSubscribe(watcher);
        subscriber.onError(rejection);
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

  private final class Watcher implements Flow.Subscription {
    private final Flow.Subscriber<? super UserEvent> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean cancelled;
    private volatile boolean done;
    private long nextSequence;

    Watcher(Flow.Subscriber<? super UserEvent> subscriber, long nextSequence) {
      this.subscriber = subscriber;
      this.nextSequence = nextSequence;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancel();
        fail(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        return;
      }
      demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      watchers.remove(this);
    }

    void fail(Throwable error) {
      if (!done) {
        done = true;
        watchers.remove(this);
        subscriber.onError(error);
      }
    }

    void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        long requested = demand.get();
        long emitted = 0;
        while (!cancelled && !done) {
          long last = lastSequence;
          if (nextSequence <= last - capacity) {
            fail(fellBehind());
            return;
          }
          if (emitted == requested || nextSequence > last) {
            break;
          }
          UserEvent event = ring.get(slot(nextSequence));
          if (event == null || event.sequence() != nextSequence) {
            fail(fellBehind());
            return;
          }
          subscriber.onNext(event);
          nextSequence++;
          emitted++;
        }
        if (emitted > 0) {
          demand.addAndGet(-emitted);
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
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
