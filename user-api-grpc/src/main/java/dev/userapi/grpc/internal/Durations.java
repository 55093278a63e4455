package dev.userapi.grpc.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Argument checks for durations.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class Durations {
  private Durations() {}

  /**
   * Returns {@code duration} if it is positive.
   *
   * @param duration the value to check
   * @param name the parameter's name, for the messages
   * @return {@code duration}
   * @throws NullPointerException when {@code duration} is null
   * @throws IllegalArgumentException when {@code duration} is zero or negative
   */
  public static Duration requirePositive(Duration duration, String name) {
    requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + ": " + duration + " (expected: > 0)");
    }
    return duration;
  }
}
