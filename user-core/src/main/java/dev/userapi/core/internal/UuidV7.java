package dev.userapi.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

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

  /**
   * {@code count} ids in increasing order, the same ids {@code count} calls of {@link #next()}
   * could have handed out: one clock read and one reservation of {@code count} consecutive stamps,
   * and the random bits of all of them drawn from the same {@link SecureRandom} in one call (a bulk
   * create drew them one {@code nextLong} at a time, issue #17).
   *
   * @param count how many ids, at least 0
   * @return a new array of {@code count} ids
   */
  public String[] next(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
    }
    String[] ids = new String[count];
    if (count == 0) {
      return ids;
    }
    byte[] bits = new byte[Math.multiplyExact(count, Long.BYTES)];
    random.nextBytes(bits);
    long now = clock.millis() << 12;
    long end = last.updateAndGet(prev -> Math.max(now, prev + 1) + count - 1);
    long stamp = end - count + 1;
    for (int i = 0; i < count; i++, stamp++) {
      long msb = ((stamp >>> 12) << 16) | 0x7000L | (stamp & 0x0FFFL);
      long drawn = (long) LONGS.get(bits, i * Long.BYTES);
      long lsb = (drawn & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
      ids[i] = new UUID(msb, lsb).toString();
    }
    return ids;
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
