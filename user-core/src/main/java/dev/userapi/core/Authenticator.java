package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a bearer token into a {@link Principal}. Both transports call it: the REST filter with the
 * token of {@code Authorization: Bearer …}, the gRPC interceptor with that of the {@code
 * authorization} metadata. Plug in your own (JWT, OAuth introspection) or use {@link
 * #staticTokens(Map)}.
 *
 * <p>Implementations must be thread-safe and must not log tokens.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * Returns who {@code bearerToken} belongs to.
   *
   * @param bearerToken the token as sent, never null
   * @return the caller; never null
   * @throws UserException UNAUTHENTICATED when the token is unknown, expired or malformed
   */
  Principal authenticate(String bearerToken);

  /**
   * An authenticator over a fixed table of tokens, for tests, demos and service-to-service secrets.
   * Tokens are compared in constant time (by SHA-256 digest, always against every entry), so
   * response timing does not reveal how much of a token was right.
   *
   * @param tokens each accepted token (non-empty) and the principal it stands for; copied, so later
   *     changes to the map have no effect
   * @return an authenticator that fails with UNAUTHENTICATED for any token not in {@code tokens}
   * @throws IllegalArgumentException when a token is empty
   */
  static Authenticator staticTokens(Map<String, Principal> tokens) {
    requireNonNull(tokens, "tokens");
    List<byte[]> digests = new ArrayList<>();
    List<Principal> principals = new ArrayList<>();
    tokens.forEach(
        (token, principal) -> {
          if (requireNonNull(token, "token").isEmpty()) {
            throw new IllegalArgumentException("token: empty (expected: a secret)");
          }
          digests.add(sha256(token));
          principals.add(requireNonNull(principal, "principal"));
        });
    return presented -> {
      byte[] digest = sha256(requireNonNull(presented, "bearerToken"));
      Principal match = null;
      for (int i = 0; i < digests.size(); i++) {
        if (MessageDigest.isEqual(digests.get(i), digest)) {
          match = principals.get(i);
        }
      }
      if (match == null) {
        throw new UserException(ErrorCode.UNAUTHENTICATED, "the bearer token is not valid");
      }
      return match;
    };
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
