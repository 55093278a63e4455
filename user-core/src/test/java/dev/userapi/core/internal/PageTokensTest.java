package dev.userapi.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PageTokensTest {
  private final PageTokens tokens = new PageTokens(secret(1));
  private final String id = "0190d5a4-0000-7000-8000-000000000001";

  @Test
  void tokenRoundTripsTheLastId() {
    assertThat(tokens.decode(tokens.encode(id, "f"), "f")).isEqualTo(id);
  }

  @Test
  void tokenOfAnotherKeyIsRejected() {
    String foreign = new PageTokens(secret(2)).encode(id, "f");

    assertInvalid(() -> tokens.decode(foreign, "f"));
  }

  @Test
  void tokenForAnotherFilterIsRejectedWithAHint() {
    String token = tokens.encode(id, "f");

    assertThatThrownBy(() -> tokens.decode(token, "g"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("another filter");
  }

  @Test
  void everySingleBitFlipIsDetected() {
    byte[] raw = Base64.getUrlDecoder().decode(tokens.encode(id, "f"));
    for (int i = 0; i < raw.length * 8; i++) {
      byte[] flipped = Arrays.copyOf(raw, raw.length);
      flipped[i / 8] ^= (byte) (1 << (i % 8));
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
      assertInvalid(() -> tokens.decode(token, "f"));
    }
  }

  @Test
  void randomGarbageIsRejectedNeverCrashes() {
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      byte[] junk = new byte[random.nextInt(80)];
      random.nextBytes(junk);
      String token =
          random.nextBoolean()
              ? Base64.getUrlEncoder().encodeToString(junk)
              : new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1);
      assertInvalid(() -> tokens.decode(token, "f"));
    }
  }

  @Test
  void shortSecretIsRefused() {
    assertThatThrownBy(() -> new PageTokens(new byte[8]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret: 8 bytes (expected: >= 16)");
  }

  private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  private static byte[] secret(int seed) {
    byte[] secret = new byte[32];
    new Random(seed).nextBytes(secret);
    return secret;
  }
}
