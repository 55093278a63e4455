package dev.userapi.core;

/**
 * The operations of {@link UserService}, named once so that both transports authorise them the same
 * way: the REST filter and the gRPC interceptor map a request to one of these and check {@link
 * Principal#mayPerform(UserOperation)}.
 *
 * @since 0.1.0
 */
public enum UserOperation {
  CREATE(Scopes.WRITE),
  GET(Scopes.READ),
  UPDATE(Scopes.WRITE),
  REPLACE(Scopes.WRITE),
  DELETE(Scopes.WRITE),
  LIST(Scopes.READ),
  STREAM(Scopes.READ),
  CREATE_ALL(Scopes.WRITE),
  WATCH(Scopes.READ),
  /** The lookup session: reads only. */
  LOOKUP(Scopes.READ);

  private final String requiredScope;

  UserOperation(String requiredScope) {
    this.requiredScope = requiredScope;
  }

  /** The scope a caller needs for this operation. */
  public String requiredScope() {
    return requiredScope;
  }
}
