package dev.userapi.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {
  private final List<FieldViolation> violations = new ArrayList<>();

  @Test
  void emailKeepsTheLocalPartAndLowerCasesTheDomain() {
    assertThat(Validation.email("  John.Smith@Example.COM ", violations))
        .isEqualTo("John.Smith@example.com");
    assertThat(violations).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a+tag@example.com",
        "o'brien@example.co.uk",
        "x@sub-domain.example.io",
        "1@2.xn--p1ai"
      })
  void acceptsCommonValidEmails(String email) {
    assertThat(Validation.email(email, violations)).isNotNull();
    assertThat(violations).isEmpty();
  }

  @Test
  void emailLongerThan254CharactersIsRejected() {
    String email =
        "a".repeat(64)
            + "@"
            + "b".repeat(63)
            + "."
            + "c".repeat(63)
            + "."
            + "d".repeat(63)
            + ".com";

    assertThat(Validation.email(email, violations)).isNull();
    assertThat(violations).extracting(FieldViolation::field).containsExactly("email");
  }

  @Test
  void nameCountsCodePointsNotUtf16Units() {
    String emoji = "\uD83D\uDE00"; // one code point, two chars
    assertThat(Validation.name(emoji.repeat(200), violations)).isNotNull();
    assertThat(Validation.name(emoji.repeat(201), violations)).isNull();
  }

  @Test
  void nameWithControlCharactersIsRejected() {
    assertThat(Validation.name("Ada\u0000Lovelace", violations)).isNull();
    assertThat(violations).singleElement().extracting(FieldViolation::field).isEqualTo("name");
  }

  @Test
  void emailKeyIsCaseInsensitive() {
    assertThat(Validation.emailKey(" Ada@Example.com"))
        .isEqualTo(Validation.emailKey("ada@EXAMPLE.COM"));
  }
}
