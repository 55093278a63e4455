package dev.userapi.core;

/**
 * Whether a service can take requests, in the terms of {@code grpc.health.v1}.
 *
 * @since 0.1.0
 */
public enum HealthStatus {
  /** Requests can be served. */
  SERVING,
  /** Requests would fail now, for example because the store is unreachable. */
  NOT_SERVING
}
