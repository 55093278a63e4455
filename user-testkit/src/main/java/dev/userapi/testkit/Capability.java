package dev.userapi.testkit;

/**
 * An optional part of the {@code UserService} contract. An implementation lists what it supports in
 * {@link UserServiceContract#capabilities()}; the contract skips (never silently passes) the cases
 * of a capability that is not listed.
 *
 * @since 0.1.0
 */
public enum Capability {
  /** {@code stream(filter)}: every matching user, lazily, with backpressure and cancellation. */
  STREAM,
  /** {@code watch(afterSequence)}: the change feed, resumable from a sequence. */
  WATCH,
  /** {@code createAll(list)}: bulk create with per-item results. */
  BULK_CREATE,
  /**
   * {@code create(user, requestId)}: a retried create with the same request id is not a duplicate.
   */
  IDEMPOTENT_CREATE
}
