package dev.userapi.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/**
 * Call credentials that send {@code authorization: Bearer <token>} with every call, for {@link
 * GrpcUserClient.Builder#bearerToken(String)} or any stub's {@code withCallCredentials}. Use TLS
 * channel credentials anywhere but loopback: a bearer token in plaintext can be replayed by whoever
 * sees it. Thread-safe.
 *
 * @since 0.1.0
 */
public final class BearerToken extends CallCredentials {
  private final Metadata headers = new Metadata();

  /**
   * Credentials carrying {@code token}.
   *
   * @param token the bearer token, without the {@code Bearer} prefix
   * @throws IllegalArgumentException when {@code token} is blank
   */
  public BearerToken(String token) {
    requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("token: blank (expected: a bearer token)");
    }
    headers.put(BearerAuthInterceptor.AUTHORIZATION, "Bearer " + token);
  }

  @Override
  public void applyRequestMetadata(
      RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    Metadata copy = new Metadata();
    copy.merge(headers);
    applier.apply(copy);
  }

  @Override
  public String toString() {
    return "BearerToken{***}";
  }
}
