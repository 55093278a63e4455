package dev.userapi.rest.internal;

import dev.userapi.core.UserException;
import java.util.ArrayList;
import java.util.List;

/**
 * Formats and parses HTTP entity tags (RFC 9110 section 8.8.3) around the core's opaque etags.
 *
 * <p>Thread-safe and stateless. Not API: used by userapi modules only.
 */
public final class EntityTags {
  /** The parsed {@code If-Match: *}. */
  public static final List<String> ANY = List.of("*");

  private EntityTags() {}

  /** The strong entity tag for a core etag: the etag in double quotes. */
  public static String format(String etag) {
    return '"' + etag + '"';
  }

  /**
   * Parses an {@code If-Match} or {@code If-None-Match} value into its opaque tags: {@link #ANY}
   * for {@code *}; weak tags are kept with their {@code W/} prefix so that strong comparison never
   * matches them.
   *
   * @throws UserException INVALID_ARGUMENT naming {@code header} when the value is malformed
   */
  public static List<String> parse(String header, String value) {
    String text = value.trim();
    if (text.equals("*")) {
      return ANY;
    }
    List<String> tags = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == ',' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      boolean weak = text.startsWith("W/", i);
      int open = weak ? i + 2 : i;
      if (open >= text.length() || text.charAt(open) != '"') {
        throw malformed(header);
      }
      int close = text.indexOf('"', open + 1);
      if (close < 0) {
        throw malformed(header);
      }
      String opaque = text.substring(open + 1, close);
      tags.add(weak ? "W/" + opaque : opaque);
      i = close + 1;
    }
    if (tags.isEmpty()) {
      throw malformed(header);
    }
    return tags;
  }

  private static UserException malformed(String header) {
    return UserException.invalidArgument(
        header, "must be * or a list of entity tags such as \"3\"");
  }
}
