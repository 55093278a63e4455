package dev.userapi.core.internal;

import dev.userapi.core.UserException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque, tamper-evident page tokens: {@code base64url(version | lastId | filterHash | hmac)}. The
 * HMAC key is the service's; tokens made by another service (another key), edited by hand, or used
 * with another filter are rejected as INVALID_ARGUMENT. Thread-safe.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class PageTokens {
  private static final byte FORMAT = 1;
  private static final int MAC_LENGTH = 16;
  private static final int HASH_LENGTH = 8;
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  public PageTokens(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("secret: " + secret.length + " bytes (expected: >= 16)");
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
  }

  /** Makes the token for the page that follows {@code lastId} under {@code filterCanonical}. */
  public String encode(String lastId, String filterCanonical) {
    byte[] id = lastId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(1 + 1 + id.length + HASH_LENGTH);
    body.put(FORMAT).put((byte) id.length).put(id).put(hash(filterCanonical));
    byte[] payload = body.array();
    byte[] token = Arrays.copyOf(payload, payload.length + MAC_LENGTH);
    System.arraycopy(mac(payload), 0, token, payload.length, MAC_LENGTH);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /** Returns the last id a valid token points after, or throws INVALID_ARGUMENT. */
  public String decode(String token, String filterCanonical) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid("is not a page token issued by this service");
    }
    if (raw.length < 2 + HASH_LENGTH + MAC_LENGTH || raw[0] != FORMAT) {
      throw invalid("is not a page token issued by this service");
    }
    int payloadLength = raw.length - MAC_LENGTH;
    byte[] payload = Arrays.copyOf(raw, payloadLength);
    byte[] expected = Arrays.copyOf(mac(payload), MAC_LENGTH);
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, payloadLength, raw.length))) {
      throw invalid("is not a page token issued by this service");
    }
    int idLength = raw[1] & 0xFF;
    if (2 + idLength + HASH_LENGTH != payloadLength) {
      throw invalid("is not a page token issued by this service");
    }
    byte[] filterHash = Arrays.copyOfRange(raw, 2 + idLength, payloadLength);
    if (!MessageDigest.isEqual(filterHash, hash(filterCanonical))) {
      throw invalid("was issued for another filter; start again from the first page");
    }
    return new String(raw, 2, idLength, StandardCharsets.UTF_8);
  }

  private static UserException invalid(String description) {
    return UserException.invalidArgument("pageToken", description);
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  private static byte[] hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(digest, HASH_LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
