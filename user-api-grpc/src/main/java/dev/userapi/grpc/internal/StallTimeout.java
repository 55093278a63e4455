package dev.userapi.grpc.internal;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How long a call may wait for a client that makes no progress before it is ended, and the
 * scheduler that times it (see {@link StallClock}). The scheduler is the caller's, who owns it and
 * shuts it down; nothing here starts a thread.
 *
 * <p>Not API: used by userapi modules only.
 *
 * @param timeout a positive duration
 * @param scheduler runs the (short) timer tasks; owned by the caller
 */
public record StallTimeout(Duration timeout, ScheduledExecutorService scheduler) {
  /** Checks the arguments. */
  public StallTimeout {
    Durations.requirePositive(timeout, "timeout");
    requireNonNull(scheduler, "scheduler");
  }

  /**
   * The status a stalled call ends with: DEADLINE_EXCEEDED, saying for how long the client took no
   * data.
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
   * The status a client-streaming call ends with when its client stops sending: DEADLINE_EXCEEDED,
   * saying for how long it sent nothing.
   *
   * @return the status, as an exception to pass to {@code onError}
   */
  public StatusRuntimeException sentNothing() {
    return Status.DEADLINE_EXCEEDED
        .withDescription(
            "the client sent nothing for " + timeout.toMillis() + " ms; the call was ended")
        .asRuntimeException();
  }
}
