package dev.userapi.grpc.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Times how long one call's client has made no progress (taken no data, or sent none), and calls
 * {@code onStall} once that reaches the stall timeout. The owner marks progress with {@link
 * #progress()} and runs the clock with {@link #start()} while the client owes progress; when the
 * timer fires the clock measures from the last progress and waits out the remainder if there was
 * some meanwhile, so a timer armed in a race with a progress mark cannot end a call early. One
 * timer per call at most, on the timeout's scheduler. {@code onStall} runs on that scheduler: it
 * should take the owner's lock and check {@link #expired()} and its own state again before it acts.
 *
 * <p>Without a timeout every method does nothing. Thread-safe.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class StallClock {
  private final StallTimeout timeout;
  private final BooleanSupplier owed;
  private final Runnable onStall;
  private final AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
  private volatile long lastProgress = System.nanoTime();

  /**
   * A clock for one call.
   *
   * @param timeout the stall timeout, or null for none
   * @param owed whether the client still owes progress (checked when the timer fires)
   * @param onStall what ends the call
   */
  public StallClock(StallTimeout timeout, BooleanSupplier owed, Runnable onStall) {
    this.timeout = timeout;
    this.owed = owed;
    this.onStall = onStall;
  }

  /** The client made progress: the clock restarts from now. */
  public void progress() {
    lastProgress = System.nanoTime();
  }

  /** Runs the clock, unless it runs already: the call ends one timeout after the last progress. */
  public void start() {
    if (timeout != null) {
      schedule(timeout.timeout().toNanos());
    }
  }

  /** Stops the clock (for now: {@link #start()} runs it again). */
  public void stop() {
    ScheduledFuture<?> running = timer.getAndSet(null);
    if (running != null) {
      running.cancel(false);
    }
  }

  /** Whether a whole timeout has passed since the last progress. */
  public boolean expired() {
    return timeout != null && System.nanoTime() - lastProgress >= timeout.timeout().toNanos();
  }

  private void schedule(long delayNanos) {
    if (timer.get() != null) {
      return;
    }
    ScheduledFuture<?> next =
        timeout.scheduler().schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
    if (!timer.compareAndSet(null, next)) {
      next.cancel(false);
    }
  }

  private void fire() {
    timer.set(null);
    if (!owed.getAsBoolean()) {
      return; // progress came; the next wait starts a new timer
    }
    long idle = System.nanoTime() - lastProgress;
    long limit = timeout.timeout().toNanos();
    if (idle < limit) {
      schedule(limit - idle);
      return;
    }
    onStall.run();
  }
}
