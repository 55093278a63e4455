package dev.userapi.core.internal;

import dev.userapi.core.FieldViolation;
import java.util.List;
import java.util.Locale;

/**
 * The validation and normalisation rules of a user's writable fields, written once. Each check
 * appends its violations so callers can report every problem at once.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class Validation {
  public static final int MAX_NAME_LENGTH = 200;
  public static final int MIN_AGE = 0;
  public static final int MAX_AGE = 150;
  private static final int MAX_EMAIL_LENGTH = 254;
  private static final int MAX_LOCAL_LENGTH = 64;
  private static final String LOCAL_SPECIALS = ".!#$%&'*+/=?^_`{|}~-";

  private Validation() {}

  /** Returns the trimmed name, or null after adding violations. */
  public static String name(String name, List<FieldViolation> violations) {
    if (name == null) {
      violations.add(new FieldViolation("name", "is required"));
      return null;
    }
    String trimmed = name.strip();
    if (trimmed.isEmpty()) {
      violations.add(new FieldViolation("name", "must not be blank"));
      return null;
    }
    // Counting code points only when the UTF-16 length could exceed the limit, and looking for
    // controls char by char (every control is one UTF-16 unit): no stream per name (issue #17).
    if (trimmed.length() > MAX_NAME_LENGTH
        && trimmed.codePointCount(0, trimmed.length()) > MAX_NAME_LENGTH) {
      violations.add(
          new FieldViolation("name", "must be at most " + MAX_NAME_LENGTH + " characters"));
      return null;
    }
    if (hasControl(trimmed)) {
      violations.add(new FieldViolation("name", "must not contain control characters"));
      return null;
    }
    return trimmed;
  }

  /**
   * Returns the normalised email (trimmed, domain lower-cased), or null after adding violations.
   */
  public static String email(String email, List<FieldViolation> violations) {
    if (email == null) {
      violations.add(new FieldViolation("email", "is required"));
      return null;
    }
    String trimmed = email.strip();
    if (trimmed.isEmpty()) {
      violations.add(new FieldViolation("email", "must not be blank"));
      return null;
    }
    int at = trimmed.lastIndexOf('@');
    // The parts are checked in place and a new string is built only when the domain has upper
    // case: no substrings per email (issue #17).
    if (trimmed.length() > MAX_EMAIL_LENGTH
        || at <= 0
        || !isLocalPart(trimmed, 0, at)
        || !isDomain(trimmed, at + 1, trimmed.length())) {
      violations.add(new FieldViolation("email", "must be a valid email address"));
      return null;
    }
    if (!hasUpperCase(trimmed, at + 1)) {
      return trimmed;
    }
    // The domain is ASCII letters, digits, hyphens and dots here, so ROOT lower-cases it as ASCII.
    return trimmed.substring(0, at + 1) + trimmed.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  /** Adds a violation when {@code age} is out of range. */
  public static void age(int age, List<FieldViolation> violations) {
    if (age < MIN_AGE || age > MAX_AGE) {
      violations.add(new FieldViolation("age", "must be between " + MIN_AGE + " and " + MAX_AGE));
    }
  }

  /** The key under which emails are unique: the whole address lower-cased. */
  public static String emailKey(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code s[start, end)} is a dot-atom local part of at most 64 characters. */
  private static boolean isLocalPart(String s, int start, int end) {
    int length = end - start;
    if (length == 0 || length > MAX_LOCAL_LENGTH) {
      return false;
    }
    if (s.charAt(start) == '.' || s.charAt(end - 1) == '.') {
      return false;
    }
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c == '.' ? s.charAt(i + 1) == '.' : !isAsciiAlnum(c) && LOCAL_SPECIALS.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s[start, end)} is a domain of at least two labels, not all-digit at the end. */
  private static boolean isDomain(String s, int start, int end) {
    int length = end - start;
    if (length == 0 || length > 253) {
      return false;
    }
    // Label by label, by index: no split, no substrings (every create validates an email, and the
    // split was a tenth of a bulk create's CPU, issue #17).
    int labels = 0;
    int from = start;
    boolean lastAllDigits = false;
    while (from <= end) {
      int to = s.indexOf('.', from);
      if (to < 0 || to > end) {
        to = end;
      }
      if (!isLabel(s, from, to)) {
        return false;
      }
      labels++;
      lastAllDigits = allDigits(s, from, to);
      from = to + 1;
    }
    // The top-level domain is never all digits (rules out bare IP-like hosts).
    return labels >= 2 && !lastAllDigits;
  }

  /** Whether {@code s[start, end)} is a DNS label: 1 to 63 letters, digits and inner hyphens. */
  private static boolean isLabel(String s, int start, int end) {
    int length = end - start;
    if (length == 0 || length > 63) {
      return false;
    }
    if (s.charAt(start) == '-' || s.charAt(end - 1) == '-') {
      return false;
    }
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (!isAsciiAlnum(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean allDigits(String s, int start, int end) {
    for (int i = start; i < end; i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasUpperCase(String s, int start) {
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return true;
      }
    }
    return false;
  }

  private static boolean isAsciiAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
