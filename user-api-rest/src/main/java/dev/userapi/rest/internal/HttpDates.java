package dev.userapi.rest.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP-dates (RFC 9110 section 5.6.7) around the core's timestamps: {@code Last-Modified} is
 * written as an IMF-fixdate, and the date preconditions ({@code If-Modified-Since}, {@code
 * If-Unmodified-Since}) accept all three formats a recipient must accept. Dates have one-second
 * precision, so a user's update time is compared truncated to the second.
 *
 * <p>Thread-safe and stateless. Not API: used by userapi modules only.
 */
public final class HttpDates {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

  private HttpDates() {}

  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  /** The IMF-fixdate of {@code time}, truncated to the second. */
  public static String format(Instant time) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 1000 || year > 9999) {
      return IMF_FIXDATE.format(time.truncatedTo(ChronoUnit.SECONDS));
    }
    // Written out rather than through IMF_FIXDATE: every user response carries a Last-Modified, and
    // the formatter was a few per cent of a REST get's CPU (issue #17). Same text, see the tests.
    StringBuilder out = new StringBuilder(29);
    out.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
    twoDigits(out, t.getDayOfMonth()).append(' ');
    out.append(MONTHS[t.getMonthValue() - 1]).append(' ').append(year).append(' ');
    twoDigits(out, t.getHour()).append(':');
    twoDigits(out, t.getMinute()).append(':');
    return twoDigits(out, t.getSecond()).append(" GMT").toString();
  }

  private static StringBuilder twoDigits(StringBuilder out, int value) {
    return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }

  /**
   * Parses an HTTP-date: IMF-fixdate, or the obsolete RFC 850 and asctime forms. Empty for anything
   * else, since RFC 9110 has a recipient ignore a date precondition it cannot parse.
   */
  public static Optional<Instant> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String text = value.trim();
    for (DateTimeFormatter format : List.of(IMF_FIXDATE, rfc850(), ASCTIME)) {
      try {
        return Optional.of(Instant.from(format.parse(text)));
      } catch (DateTimeParseException notThisFormat) {
        // Try the next one.
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a resource last changed at {@code updateTime} was modified after {@code date}, at the
   * one-second precision of HTTP-dates.
   */
  public static boolean modifiedSince(Instant updateTime, Instant date) {
    return updateTime.truncatedTo(ChronoUnit.SECONDS).isAfter(date);
  }

  /**
   * RFC 850 dates have two-digit years; RFC 9110 reads one more than 50 years ahead as the most
   * recent past year with those digits, hence a base year 49 years back from now.
   */
  private static DateTimeFormatter rfc850() {
    int baseYear = LocalDate.now(ZoneOffset.UTC).getYear() - 49;
    return new DateTimeFormatterBuilder()
        .appendPattern("EEEE, dd-MMM-")
        .appendValueReduced(ChronoField.YEAR, 2, 2, baseYear)
        .appendPattern(" HH:mm:ss 'GMT'")
        .toFormatter(Locale.US)
        .withZone(ZoneOffset.UTC);
  }
}
