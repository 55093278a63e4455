package dev.userapi.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
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

  /**
   * The domain check walks the labels by index; it must decide exactly as the label rules read with
   * a split (the earlier implementation, kept here as the reference) on any string of the
   * characters that matter.
   */
  @Test
  void domainCheckAgreesWithTheLabelRulesOnRandomDomains() {
    SplittableRandom random = new SplittableRandom(17);
    String alphabet = "ab9.-.Z0\u0663_";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder domain = new StringBuilder();
      int length = random.nextInt(1, 12);
      for (int j = 0; j < length; j++) {
        domain.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      List<FieldViolation> violations = new ArrayList<>();
      String email = "user@" + domain;
      boolean accepted = Validation.email(email, violations) != null;
      assertThat(accepted).as(email).isEqualTo(referenceIsDomain(domain.toString()));
    }
    String longLabel = "a".repeat(63);
    assertThat(Validation.email("u@" + longLabel + ".io", new ArrayList<>())).isNotNull();
    assertThat(Validation.email("u@" + longLabel + "a.io", new ArrayList<>())).isNull();
  }

  /**
   * Name and email checks work in place (no streams, no substrings); they must decide and normalise
   * exactly as the earlier implementation (kept here as the reference) on random strings of the
   * characters that matter: specials, dots, at signs, upper case, spaces, controls and characters
   * outside the BMP.
   */
  @Test
  void nameAndEmailAgreeWithTheReferenceRulesOnRandomInput() {
    SplittableRandom random = new SplittableRandom(23);
    String[] pieces = {
      "a",
      "Z",
      "0",
      "9",
      ".",
      "..",
      "@",
      "-",
      "_",
      "+",
      "!",
      "~",
      " ",
      "\t",
      "\u0000",
      "\u007f",
      "\u0085",
      "\u00e9",
      "\ud83d\ude00",
      "x.io",
      "@Example.COM",
      "EXAMPLE",
      "ab",
      "(",
      "\""
    };
    for (int i = 0; i < 200_000; i++) {
      StringBuilder input = new StringBuilder();
      int length = random.nextInt(0, 14);
      for (int j = 0; j < length; j++) {
        input.append(pieces[random.nextInt(pieces.length)]);
      }
      String value = input.toString();
      List<FieldViolation> actual = new ArrayList<>();
      List<FieldViolation> expected = new ArrayList<>();
      assertThat(Validation.email(value, actual))
          .as(value)
          .isEqualTo(referenceEmail(value, expected));
      assertThat(Validation.name(value, actual))
          .as(value)
          .isEqualTo(referenceName(value, expected));
      assertThat(actual).as(value).isEqualTo(expected);
    }
    String longName = "\ud83d\ude00".repeat(150) + "a".repeat(50);
    assertThat(Validation.name(longName, violations)).isEqualTo(longName);
    assertThat(Validation.name(longName + "b", violations)).isNull();
    String longLocal = "l".repeat(64);
    assertThat(Validation.email(longLocal + "@x.io", violations)).isEqualTo(longLocal + "@x.io");
    assertThat(Validation.email(longLocal + "l@x.io", violations)).isNull();
  }

  private static String referenceName(String name, List<FieldViolation> violations) {
    if (name == null) {
      violations.add(new FieldViolation("name", "is required"));
      return null;
    }
    String trimmed = name.strip();
    if (trimmed.isEmpty()) {
      violations.add(new FieldViolation("name", "must not be blank"));
      return null;
    }
    if (trimmed.codePointCount(0, trimmed.length()) > Validation.MAX_NAME_LENGTH) {
      violations.add(
          new FieldViolation(
              "name", "must be at most " + Validation.MAX_NAME_LENGTH + " characters"));
      return null;
    }
    if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
      violations.add(new FieldViolation("name", "must not contain control characters"));
      return null;
    }
    return trimmed;
  }

  private static String referenceEmail(String email, List<FieldViolation> violations) {
    String trimmed = email.strip();
    if (trimmed.isEmpty()) {
      violations.add(new FieldViolation("email", "must not be blank"));
      return null;
    }
    int at = trimmed.lastIndexOf('@');
    if (trimmed.length() > 254
        || at <= 0
        || !referenceIsLocalPart(trimmed.substring(0, at))
        || !referenceIsDomain(trimmed.substring(at + 1))) {
      violations.add(new FieldViolation("email", "must be a valid email address"));
      return null;
    }
    return trimmed.substring(0, at) + "@" + trimmed.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  private static boolean referenceIsLocalPart(String local) {
    if (local.isEmpty() || local.length() > 64) {
      return false;
    }
    if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      return false;
    }
    for (char c : local.toCharArray()) {
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && ".!#$%&'*+/=?^_`{|}~-".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean referenceIsDomain(String domain) {
    if (domain.isEmpty() || domain.length() > 253) {
      return false;
    }
    String[] labels = domain.split("\\.", -1);
    if (labels.length < 2) {
      return false;
    }
    for (String label : labels) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
      for (char c : label.toCharArray()) {
        boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-') {
          return false;
        }
      }
    }
    return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
  }
}
