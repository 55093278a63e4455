package dev.userapi.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
  /** Random instants per precision (whole seconds, ms, µs, ns): 240,000 in all. */
  private static final int PER_PRECISION = 60_000;

  /**
   * A new seed each run, so that runs over time cover more instants; a failure names it, and {@code
   * -DisoInstants.seed=...} replays it.
   */
  private static final long SEED = Long.getLong("isoInstants.seed", System.nanoTime());

  @Test
  void formatWritesSecondsAlwaysAndTheFractionInGroupsOfThreeDigits() {
    assertThat(IsoInstants.format(Instant.ofEpochSecond(1_796_079_900L)))
        .isEqualTo("2026-11-30T23:05:00Z");
    assertThat(IsoInstants.format(Instant.ofEpochSecond(1_796_079_907L, 100_000_000)))
        .isEqualTo("2026-11-30T23:05:07.100Z");
    assertThat(IsoInstants.format(Instant.ofEpochSecond(1_796_079_907L, 123_456_000)))
        .isEqualTo("2026-11-30T23:05:07.123456Z");
    assertThat(IsoInstants.format(Instant.ofEpochSecond(1_796_079_907L, 1)))
        .isEqualTo("2026-11-30T23:05:07.000000001Z");
  }

  @Test
  void formatMatchesInstantToStringOnRandomInstantsOfEveryPrecision() {
    SplittableRandom random = new SplittableRandom(SEED);
    int[] units = {1_000_000_000, 1_000_000, 1_000, 1};
    for (int unit : units) {
      for (int i = 0; i < PER_PRECISION; i++) {
        long seconds = random.nextLong(IsoInstants.FIRST_SECOND, IsoInstants.LAST_SECOND + 1);
        int nanos = random.nextInt(1_000_000_000 / unit) * unit;
        Instant time = Instant.ofEpochSecond(seconds, nanos);
        assertThat(IsoInstants.format(time))
            .as("seed %d, instant %s", SEED, time)
            .isEqualTo(time.toString());
      }
    }
  }

  @Test
  void formatMatchesInstantToStringAtTheEdges() {
    String[] edges = {
      "1970-01-01T00:00:00Z",
      "1970-01-01T00:00:00.000000001Z",
      "1969-12-31T23:59:59.999999999Z",
      "1999-12-31T23:59:59.999Z",
      "2000-01-01T00:00:00Z",
      "2000-02-29T12:00:00.500Z",
      "2024-02-29T23:59:59.999999999Z",
      "2100-02-28T23:59:59Z",
      "2100-03-01T00:00:00Z",
      "1900-03-01T00:00:00.010Z",
      "2026-12-31T23:59:59.999999999Z",
      "2027-01-01T00:00:00Z",
      "0000-01-01T00:00:00Z",
      "0000-02-29T00:00:00Z",
      "0999-12-31T23:59:59.999999Z",
      "1000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z",
    };
    for (String edge : edges) {
      Instant time = Instant.parse(edge);
      assertThat(IsoInstants.format(time)).isEqualTo(time.toString()).isEqualTo(edge);
    }
  }

  @Test
  void formatMatchesInstantToStringOnNanosOfEveryLength() {
    Instant second = Instant.parse("2026-11-30T23:05:07Z");
    for (int nanos = 1; nanos < 1_000_000_000; nanos *= 10) {
      for (int value :
          new int[] {nanos, 999_999_999 / nanos * nanos, 123_456_789 / nanos * nanos}) {
        Instant time = second.plusNanos(value);
        assertThat(IsoInstants.format(time)).as("%d ns", value).isEqualTo(time.toString());
      }
    }
  }

  @Test
  void formatFallsBackToInstantToStringJustOutsideYears0000To9999() {
    Instant[] outside = {
      Instant.ofEpochSecond(IsoInstants.FIRST_SECOND - 1, 999_999_999),
      Instant.ofEpochSecond(IsoInstants.FIRST_SECOND - 1),
      Instant.ofEpochSecond(IsoInstants.LAST_SECOND + 1),
      Instant.ofEpochSecond(IsoInstants.LAST_SECOND + 1, 1_000),
      Instant.MIN,
      Instant.MAX,
    };
    for (Instant time : outside) {
      assertThat(IsoInstants.format(time)).isEqualTo(time.toString());
    }
    assertThat(IsoInstants.format(outside[0])).isEqualTo("-0001-12-31T23:59:59.999999999Z");
    assertThat(IsoInstants.format(outside[2])).isEqualTo("+10000-01-01T00:00:00Z");
  }
}
