package dev.userapi.core;

/**
 * Whether a service can take requests, in the terms of {@code grpc.health.v1}.
 *
 * @since 0.1.0
 */
public enum HealthStatus {
  SERVING,
  NOT_SERVING
}
