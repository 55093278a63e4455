package dev.userapi.core.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates RFC 9562 version 7 UUIDs: 48 bits of Unix milliseconds, a 12-bit counter, then random
 * bits. Within one generator ids are strictly increasing, even within one millisecond (a counter
 * overflow borrows the next millisecond), so sorting by id sorts by creation. Thread-safe.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class UuidV7 {
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  // The last (millis << 12 | counter) handed out.
  private final AtomicLong last = new AtomicLong();

  public UuidV7(Clock clock) {
    this.clock = clock;
  }

  public String next() {
    long now = clock.millis() << 12;
    long stamp = last.updateAndGet(prev -> Math.max(now, prev + 1));
    long msb = ((stamp >>> 12) << 16) | 0x7000L | (stamp & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /** Whether {@code id} is a canonical lower-case UUID string. */
  public static boolean isWellFormed(String id) {
    if (id == null || id.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = id.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
