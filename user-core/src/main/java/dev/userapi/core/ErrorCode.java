package dev.userapi.core;

/**
 * The one table of failure kinds. Each protocol adapter maps a code one way out and the matching
 * client maps it back, so callers of either client see the same code.
 *
 * <table>
 *   <caption>Mapping per protocol</caption>
 *   <tr><th>code</th><th>gRPC</th><th>HTTP</th></tr>
 *   <tr><td>INVALID_ARGUMENT</td><td>INVALID_ARGUMENT</td><td>400</td></tr>
 *   <tr><td>NOT_FOUND</td><td>NOT_FOUND</td><td>404</td></tr>
 *   <tr><td>ALREADY_EXISTS</td><td>ALREADY_EXISTS</td><td>409</td></tr>
 *   <tr><td>PRECONDITION_FAILED</td><td>ABORTED</td><td>412</td></tr>
 *   <tr><td>UNAUTHENTICATED</td><td>UNAUTHENTICATED</td><td>401</td></tr>
 *   <tr><td>PERMISSION_DENIED</td><td>PERMISSION_DENIED</td><td>403</td></tr>
 *   <tr><td>RESOURCE_EXHAUSTED</td><td>RESOURCE_EXHAUSTED</td><td>429 / 413</td></tr>
 *   <tr><td>DEADLINE_EXCEEDED</td><td>DEADLINE_EXCEEDED</td><td>504</td></tr>
 *   <tr><td>UNAVAILABLE</td><td>UNAVAILABLE</td><td>503</td></tr>
 *   <tr><td>INTERNAL</td><td>INTERNAL</td><td>500</td></tr>
 * </table>
 *
 * @since 0.1.0
 */
public enum ErrorCode {
  /** The request is malformed; {@link UserException#violations()} says which fields and why. */
  INVALID_ARGUMENT,
  /** The addressed user does not exist. */
  NOT_FOUND,
  /** Another user already has this email (compared case-insensitively). */
  ALREADY_EXISTS,
  /** The expected etag or version no longer matches the stored user. */
  PRECONDITION_FAILED,
  /** No or invalid credentials. */
  UNAUTHENTICATED,
  /** Valid credentials without the needed permission. */
  PERMISSION_DENIED,
  /** A limit (size, rate, count) was exceeded. */
  RESOURCE_EXHAUSTED,
  /** The caller's deadline passed before the work finished. */
  DEADLINE_EXCEEDED,
  /** A transient failure; retrying later may succeed. */
  UNAVAILABLE,
  /** A bug or unexpected failure; details are logged, never sent. */
  INTERNAL
}
