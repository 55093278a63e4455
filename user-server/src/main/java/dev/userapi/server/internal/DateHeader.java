package dev.userapi.server.internal;

import dev.userapi.rest.internal.HttpDates;
import java.time.Instant;

/**
 * The {@code Date} header of every response on the HTTP port (RFC 9110 section 6.6.1: an origin
 * server with a clock sends one). Grizzly writes none. The text changes once a second, so it is
 * formatted once a second and shared.
 *
 * <p>Thread-safe: a stale read formats the same second again, which is harmless.
 */
final class DateHeader {
  private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

  private DateHeader() {}

  /** Now as an IMF-fixdate. */
  static String now() {
    long second = Math.floorDiv(System.currentTimeMillis(), 1000L);
    Stamp stamp = last;
    if (stamp.second != second) {
      stamp = new Stamp(second, HttpDates.format(Instant.ofEpochSecond(second)));
      last = stamp;
    }
    return stamp.text;
  }

  private record Stamp(long second, String text) {}
}
