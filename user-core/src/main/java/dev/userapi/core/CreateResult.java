package dev.userapi.core;

/**
 * The outcome of one item of a bulk create: exactly one of {@link #user()} and {@link #error()} is
 * non-null.
 *
 * @param index the item's position in the request, from 0
 * @param user the created user, or null when the item failed
 * @param error why the item failed, or null when it succeeded
 * @since 0.1.0
 */
public record CreateResult(int index, User user, UserException error) {
  public CreateResult {
    if ((user == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of user and error must be set");
    }
  }

  public static CreateResult success(int index, User user) {
    return new CreateResult(index, user, null);
  }

  public static CreateResult failure(int index, UserException error) {
    return new CreateResult(index, null, error);
  }

  /** Whether the item was created. */
  public boolean succeeded() {
    return user != null;
  }
}
