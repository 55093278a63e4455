package dev.userapi.core;

/**
 * The scopes userapi checks. A token grants some of them; {@link UserOperation#requiredScope()}
 * says which one each operation needs.
 *
 * @since 0.1.0
 */
public final class Scopes {
  /** Read users: get, list, stream, watch. */
  public static final String READ = "users.read";

  /** Create, change and delete users. */
  public static final String WRITE = "users.write";

  /** Everything, including what later versions add. */
  public static final String ADMIN = "users.admin";

  private Scopes() {}
}
