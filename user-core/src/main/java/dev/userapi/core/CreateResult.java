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
  /**
   * Checks that exactly one of {@code user} and {@code error} is set.
   *
   * @param index the item's position in the request, from 0
   * @param user the created user, or null when the item failed
   * @param error why the item failed, or null when it succeeded
   * @throws IllegalArgumentException when both or neither are set
   */
  public CreateResult {
    if ((user == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of user and error must be set");
    }
  }

  /**
   * A successful item.
   *
   * @param index the item's position in the request
   * @param user the created user, non-null
   * @return the result
   */
  public static CreateResult success(int index, User user) {
    return new CreateResult(index, user, null);
  }

  /**
   * A failed item.
   *
   * @param index the item's position in the request
   * @param error why it failed, non-null
   * @return the result
   */
  public static CreateResult failure(int index, UserException error) {
    return new CreateResult(index, null, error);
  }

  /**
   * Whether the item was created.
   *
   * @return true when {@link #user()} is set, false when {@link #error()} is
   */
  public boolean succeeded() {
    return user != null;
  }
}
