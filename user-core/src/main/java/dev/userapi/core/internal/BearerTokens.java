package dev.userapi.core.internal;

import java.util.Locale;

/**
 * Reads bearer tokens (RFC 6750) from {@code Authorization} values, the same way on every protocol.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class BearerTokens {
  private static final String SCHEME = "bearer ";

  private BearerTokens() {}

  /**
   * The token of an {@code Authorization} value of the Bearer scheme (case-insensitive), or null
   * when the value is absent, of another scheme, or carries no token.
   *
   * @param authorization the header or metadata value, or null
   * @return the token, stripped of surrounding white space, or null
   */
  public static String fromAuthorization(String authorization) {
    if (authorization == null || authorization.length() < SCHEME.length()) {
      return null;
    }
    if (!authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return null;
    }
    String token = authorization.substring(SCHEME.length()).strip();
    return token.isEmpty() ? null : token;
  }
}
