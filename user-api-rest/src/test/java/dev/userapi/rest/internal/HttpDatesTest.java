package dev.userapi.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HttpDatesTest {
  /**
   * RFC 9110's IMF-fixdate, through java.time: the reference the hand-written format must match.
   */
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  @Test
  void formatWritesTheImfFixdateOfRfc9110() {
    assertThat(HttpDates.format(Instant.parse("1994-11-06T08:49:37.999Z")))
        .isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
  }

  @Test
  void formatMatchesJavaTimeAcrossFourDigitYearsAndEdges() {
    SplittableRandom random = new SplittableRandom(17);
    long from = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant time =
          Instant.ofEpochSecond(random.nextLong(from, to + 1), random.nextInt(1_000_000_000));
      assertThat(HttpDates.format(time))
          .isEqualTo(REFERENCE.format(time.truncatedTo(ChronoUnit.SECONDS)));
    }
    for (String edge :
        new String[] {
          "1970-01-01T00:00:00Z",
          "2000-02-29T23:59:59.5Z",
          "1000-01-01T00:00:00Z",
          "9999-12-31T23:59:59.999999999Z",
          "1969-12-31T23:59:59.1Z"
        }) {
      Instant time = Instant.parse(edge);
      assertThat(HttpDates.format(time))
          .isEqualTo(REFERENCE.format(time.truncatedTo(ChronoUnit.SECONDS)));
    }
  }

  @Test
  void formatFallsBackToJavaTimeOutsideFourDigitYears() {
    Instant late = Instant.parse("+10000-01-01T00:00:00Z");
    assertThat(HttpDates.format(late)).isEqualTo(REFERENCE.format(late));
  }
}
