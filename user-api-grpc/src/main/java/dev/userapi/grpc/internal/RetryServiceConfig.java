package dev.userapi.grpc.internal;

import dev.userapi.proto.v1.UserServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gRPC service config that {@code GrpcUserClient} gives the channels it creates: a retry policy
 * (up to {@value #DEFAULT_MAX_ATTEMPTS} attempts unless configured, exponential backoff from 50 ms,
 * on {@code UNAVAILABLE} only) for the methods whose repetition cannot change the outcome, and none
 * for the others.
 *
 * <p>Retried: {@code GetUser}, {@code ListUsers}, {@code StreamUsers}, {@code WatchUsers}, {@code
 * LookupUsers} (reads), {@code ReplaceUser} and {@code DeleteUser} (the same request leaves the
 * same state). gRPC retries a streaming call only until it is committed (its first response), so a
 * stream is never replayed after the caller saw an item.
 *
 * <p>Never retried: {@code CreateUser} and {@code BatchCreateUsers} (a second attempt after a lost
 * answer would create a second user), and {@code UpdateUser}, to match the REST client, which never
 * repeats a PATCH. A field-mask update sets fields to values and so is idempotent as userapi
 * defines it today, but keeping the rule per method, as HTTP does, means a future kind of partial
 * update cannot become unsafe to repeat without anyone noticing.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class RetryServiceConfig {
  /** Attempts per call, the first included, unless the client is configured otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** The methods the policy retries, by their bare rpc name. */
  public static final List<String> RETRIED_METHODS =
      List.of(
          "GetUser",
          "ListUsers",
          "StreamUsers",
          "WatchUsers",
          "LookupUsers",
          "ReplaceUser",
          "DeleteUser");

  private RetryServiceConfig() {}

  /**
   * The service config, in the JSON-like form {@code ManagedChannelBuilder} takes.
   *
   * @param maxAttempts attempts per retried call, the first included, at least 2 (gRPC's minimum
   *     for a retry policy)
   */
  public static Map<String, Object> serviceConfig(int maxAttempts) {
    if (maxAttempts < 2) {
      throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 2)");
    }
    List<Object> names = new ArrayList<>();
    for (String method : RETRIED_METHODS) {
      names.add(Map.of("service", UserServiceGrpc.SERVICE_NAME, "method", method));
    }
    // Numbers are doubles: the channel reads the map as parsed JSON.
    Map<String, Object> retryPolicy =
        Map.of(
            "maxAttempts",
            (double) maxAttempts,
            "initialBackoff",
            "0.05s",
            "maxBackoff",
            "0.5s",
            "backoffMultiplier",
            2.0,
            "retryableStatusCodes",
            List.of("UNAVAILABLE"));
    return Map.of(
        "methodConfig", List.of(Map.of("name", List.copyOf(names), "retryPolicy", retryPolicy)));
  }
}
