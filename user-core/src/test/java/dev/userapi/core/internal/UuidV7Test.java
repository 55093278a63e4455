package dev.userapi.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {

  @Test
  void idsAreStrictlyIncreasingEvenWithinOneMillisecond() {
    UuidV7 ids = new UuidV7(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    List<String> generated = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      generated.add(ids.next());
    }

    assertThat(generated).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void idsAreVersion7Rfc9562UuidsCarryingTheTime() {
    Instant now = Instant.parse("2026-11-25T10:00:00.123Z");
    String id = new UuidV7(Clock.fixed(now, ZoneOffset.UTC)).next();
    UUID uuid = UUID.fromString(id);

    assertThat(uuid.version()).isEqualTo(7);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(now.toEpochMilli());
    assertThat(UuidV7.isWellFormed(id)).isTrue();
  }

  @Test
  void wellFormedMeansCanonicalLowerCase() {
    assertThat(UuidV7.isWellFormed("0190D5A4-0000-7000-8000-000000000001")).isFalse();
    assertThat(UuidV7.isWellFormed("0190d5a4000070008000000000000001")).isFalse();
    assertThat(UuidV7.isWellFormed(null)).isFalse();
  }

  @Test
  void aBatchOfIdsIsIncreasingDistinctVersion7AndOrderedBetweenSingleIds() {
    Instant now = Instant.parse("2026-11-25T10:00:00.123Z");
    UuidV7 ids = new UuidV7(Clock.fixed(now, ZoneOffset.UTC));
    List<String> generated = new ArrayList<>();
    generated.add(ids.next());
    // 5,000 ids in one millisecond overflow the 12-bit counter: the batch borrows the next ones.
    generated.addAll(Arrays.asList(ids.next(5_000)));
    generated.add(ids.next());
    generated.addAll(Arrays.asList(ids.next(3)));

    assertThat(generated).hasSize(5_005).isSorted().doesNotHaveDuplicates();
    for (String id : generated) {
      UUID uuid = UUID.fromString(id);
      assertThat(UuidV7.isWellFormed(id)).as(id).isTrue();
      assertThat(uuid.version()).isEqualTo(7);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(uuid.getMostSignificantBits() >>> 16)
          .isBetween(now.toEpochMilli(), now.toEpochMilli() + 2);
    }
    assertThat(UUID.fromString(generated.get(1)).getMostSignificantBits() >>> 16)
        .isEqualTo(now.toEpochMilli());
  }

  @Test
  void aBatchDrawsDifferentRandomBitsForEveryId() {
    UuidV7 ids = new UuidV7(Clock.systemUTC());
    String[] batch = ids.next(1_000);

    // The random 62 bits (the last 16 hex digits minus the variant) differ id to id.
    assertThat(Arrays.stream(batch).map(id -> id.substring(20)).distinct().count())
        .isEqualTo(1_000);
  }

  @Test
  void aBatchOfNoIdsIsEmptyAndANegativeCountIsRefused() {
    UuidV7 ids = new UuidV7(Clock.systemUTC());

    assertThat(ids.next(0)).isEmpty();
    assertThatThrownBy(() -> ids.next(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
