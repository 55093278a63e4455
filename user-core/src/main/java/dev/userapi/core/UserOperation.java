package dev.userapi.core;

/**
 * The operations of {@link UserService}, named once so that both transports authorise them the same
 * way: the REST filter and the gRPC interceptor map a request to one of these and check {@link
 * Principal#mayPerform(UserOperation)}.
 *
 * @since 0.1.0
 */
public enum UserOperation {
  /** {@link UserService#create(NewUser, String)}. */
  CREATE(Scopes.WRITE),
  /** {@link UserService#get(String)}. */
  GET(Scopes.READ),
  /** {@link UserService#update(String, UserUpdate, String)}. */
  UPDATE(Scopes.WRITE),
  /** {@link UserService#replace(String, NewUser, String)}. */
  REPLACE(Scopes.WRITE),
  /** {@link UserService#delete(String, String)}. */
  DELETE(Scopes.WRITE),
  /** {@link UserService#list(UserQuery)}. */
  LIST(Scopes.READ),
  /** {@link UserService#stream(UserFilter)}. */
  STREAM(Scopes.READ),
  /** {@link UserService#createAll(java.util.List)}. */
  CREATE_ALL(Scopes.WRITE),
  /** {@link UserService#watch(long)}. */
  WATCH(Scopes.READ),
  /** The lookup session: reads only. */
  LOOKUP(Scopes.READ);

  private final String requiredScope;

  UserOperation(String requiredScope) {
    this.requiredScope = requiredScope;
  }

  /**
   * The scope a caller needs for this operation.
   *
   * @return one of {@link Scopes#READ} and {@link Scopes#WRITE}
   */
  public String requiredScope() {
    return requiredScope;
  }
}
