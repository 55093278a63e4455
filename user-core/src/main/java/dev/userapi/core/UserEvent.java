package dev.userapi.core;

import static java.util.Objects.requireNonNull;

/**
 * One change to the store, as seen by {@link UserService#watch(long)}.
 *
 * @param sequence position in the change feed; strictly increasing, starting at 1; pass the last
 *     one seen to {@code watch} to resume after it
 * @param type what happened
 * @param user the user after the change (for {@code DELETED}: its last state)
 * @since 0.1.0
 */
public record UserEvent(long sequence, Type type, User user) {
  /**
   * Checks the components.
   *
   * @param sequence position in the change feed, at least 1
   * @param type what happened
   * @param user the user after the change
   * @throws IllegalArgumentException when {@code sequence} is below 1
   */
  public UserEvent {
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence: " + sequence + " (expected: >= 1)");
    }
    requireNonNull(type, "type");
    requireNonNull(user, "user");
  }

  /** The kind of change. */
  public enum Type {
    /** A user was created. */
    CREATED,
    /** A user was updated or replaced. */
    UPDATED,
    /** A user was deleted; the event carries its last state. */
    DELETED
  }
}
