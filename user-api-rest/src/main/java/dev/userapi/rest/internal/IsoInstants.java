package dev.userapi.rest.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The JSON text of the core's timestamps ({@code createTime}, {@code updateTime}): exactly what
 * {@link Instant#toString()} writes (ISO-8601 in UTC as {@code DateTimeFormatter.ISO_INSTANT}
 * prints it), written out by hand for the years 0000 to 9999 and left to {@code toString()} for the
 * rest.
 *
 * <p>Why: every user in a REST answer carries two timestamps, and {@code Instant.toString()} goes
 * through the formatter machinery, which was most of {@link DtoMapper#toDto(dev.userapi.core.User)}
 * in a profile of a REST get (issue #17). {@link HttpDates#format} does the same for {@code
 * Last-Modified}.
 *
 * <p>The rules copied from {@code ISO_INSTANT}: a four-digit year, the seconds always printed (also
 * when zero), and the fraction, when the nanoseconds are not zero, in the fewest groups of three
 * digits that hold it exactly: {@code 2026-11-30T23:05:00Z}, {@code ...07.100Z}, {@code
 * ...07.123456Z}, {@code ...07.000000001Z}. Years before 0000 and after 9999 (a sign, five or more
 * digits) go through {@code toString()}. {@code IsoInstantsTest} checks the two agree.
 *
 * <p>Thread-safe and stateless. Not API: used by userapi modules only.
 */
public final class IsoInstants {
  /** 0000-01-01T00:00:00Z, the first second written here. */
  static final long FIRST_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();

  /** 9999-12-31T23:59:59Z, the last second written here (with any nanoseconds). */
  static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  private static final int SECONDS_PER_DAY = 86_400;

  /** {@code yyyy-MM-ddTHH:mm:ssZ} */
  private static final int WHOLE_SECONDS_LENGTH = 20;

  private IsoInstants() {}

  /** {@code time.toString()}, faster for the years 0000 to 9999. */
  public static String format(Instant time) {
    long seconds = time.getEpochSecond();
    if (seconds < FIRST_SECOND || seconds > LAST_SECOND) {
      return time.toString();
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    int nanos = time.getNano();
    int fractionDigits = fractionDigits(nanos);
    byte[] out = new byte[WHOLE_SECONDS_LENGTH + (fractionDigits == 0 ? 0 : 1 + fractionDigits)];
    digits(out, 0, 4, date.getYear());
    out[4] = '-';
    digits(out, 5, 2, date.getMonthValue());
    out[7] = '-';
    digits(out, 8, 2, date.getDayOfMonth());
    out[10] = 'T';
    digits(out, 11, 2, secondOfDay / 3600);
    out[13] = ':';
    digits(out, 14, 2, secondOfDay / 60 % 60);
    out[16] = ':';
    digits(out, 17, 2, secondOfDay % 60);
    if (fractionDigits > 0) {
      out[19] = '.';
      int divisor = fractionDigits == 3 ? 1_000_000 : fractionDigits == 6 ? 1_000 : 1;
      digits(out, 20, fractionDigits, nanos / divisor);
    }
    out[out.length - 1] = 'Z';
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /** 0, 3, 6 or 9: the fewest groups of three digits that print {@code nanos} exactly. */
  private static int fractionDigits(int nanos) {
    if (nanos == 0) {
      return 0;
    }
    if (nanos % 1_000_000 == 0) {
      return 3;
    }
    return nanos % 1_000 == 0 ? 6 : 9;
  }

  /** Writes {@code value} (not negative) as exactly {@code count} digits, zero-padded. */
  private static void digits(byte[] out, int at, int count, int value) {
    for (int i = at + count - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
