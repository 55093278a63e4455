package dev.userapi.server.internal;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserService;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link UserService} that can be drained for a graceful shutdown: {@link #drain()} reports
 * NOT_SERVING and completes every open watch normally, so that watchers on both protocols see their
 * stream end cleanly (gRPC status OK, SSE stream closed) instead of being cut off when the grace
 * period runs out. Watches opened after the drain fail with UNAVAILABLE so that clients retry
 * elsewhere. Everything else is forwarded unchanged: finite calls and streams finish on their own
 * within the grace period.
 *
 * <p>Thread-safe. Not API: used by the example server only.
 */
public final class DrainingUserService extends ForwardingUserService {
  private final Set<DrainableWatch> watches = ConcurrentHashMap.newKeySet();
  private volatile boolean draining;

  public DrainingUserService(UserService delegate) {
    super(delegate);
  }

  /** Reports NOT_SERVING from now on and ends every open watch with onComplete. Idempotent. */
  public void drain() {
    draining = true;
    for (DrainableWatch watch : watches) {
      watch.end();
    }
  }

  /** The number of watches currently open. */
  public int openWatches() {
    return watches.size();
  }

  @Override
  public Flow.Publisher<UserEvent> watch(long afterSequence) {
    Flow.Publisher<UserEvent> upstream = super.watch(afterSequence);
    return subscriber -> {
      requireNonNull(subscriber, "subscriber");
      DrainableWatch watch = new DrainableWatch(subscriber);
      if (draining) {
        watch.refuse();
        return;
      }
      watches.add(watch);
      if (draining) {
        // drain() may have iterated before this watch was added.
        watch.end();
      }
      upstream.subscribe(watch);
    };
  }

  @Override
  public HealthStatus health() {
    return draining ? HealthStatus.NOT_SERVING : super.health();
  }

  /**
   * Sits between the store's watch and the protocol adapter. Signals to the downstream subscriber
   * are serialised by a lock because {@link #end()} runs on the shutdown thread while events arrive
   * on writer threads; downstream subscribers never block in onNext, so the lock is short.
   */
  private final class DrainableWatch implements Flow.Subscriber<UserEvent>, Flow.Subscription {
    private final Flow.Subscriber<? super UserEvent> downstream;
    private final ReentrantLock lock = new ReentrantLock();
    private Flow.Subscription upstream; // guarded by lock
    private boolean subscribed; // guarded by lock
    private boolean done; // guarded by lock
    private boolean endRequested; // guarded by lock

    DrainableWatch(Flow.Subscriber<? super UserEvent> downstream) {
      this.downstream = downstream;
    }

    void refuse() {
      downstream.onSubscribe(this);
      downstream.onError(
          new UserException(ErrorCode.UNAVAILABLE, "the server is shutting down; watch elsewhere"));
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      boolean endNow;
      lock.lock();
      try {
        upstream = subscription;
        subscribed = true;
        downstream.onSubscribe(this);
        endNow = endRequested;
      } finally {
        lock.unlock();
      }
      if (endNow) {
        end();
      }
    }

    @Override
    public void onNext(UserEvent event) {
      lock.lock();
      try {
        if (!done) {
          downstream.onNext(event);
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onError(Throwable error) {
      if (finish()) {
        downstream.onError(error);
      }
    }

    @Override
    public void onComplete() {
      if (finish()) {
        downstream.onComplete();
      }
    }

    /** Cancels the store's watch and completes the downstream normally. */
    void end() {
      Flow.Subscription toCancel;
      lock.lock();
      try {
        if (!subscribed) {
          endRequested = true;
          return;
        }
        if (done) {
          return;
        }
        done = true;
        toCancel = upstream;
        downstream.onComplete();
      } finally {
        lock.unlock();
      }
      watches.remove(this);
      toCancel.cancel();
    }

    private boolean finish() {
      lock.lock();
      try {
        if (done) {
          return false;
        }
        done = true;
      } finally {
        lock.unlock();
      }
      watches.remove(this);
      return true;
    }

    @Override
    public void request(long n) {
      Flow.Subscription s = currentUpstream();
      if (s != null) {
        s.request(n);
      }
    }

    @Override
    public void cancel() {
      Flow.Subscription s = currentUpstream();
      lock.lock();
      try {
        done = true;
      } finally {
        lock.unlock();
      }
      watches.remove(this);
      if (s != null) {
        s.cancel();
      }
    }

    private Flow.Subscription currentUpstream() {
      lock.lock();
      try {
        return upstream;
      } finally {
        lock.unlock();
      }
    }
  }
}
