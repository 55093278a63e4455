package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Who is calling, as an {@link Authenticator} established it, and what they may do.
 *
 * @param name a stable identifier for logs and audit (never a secret, never an email at info level)
 * @param scopes the granted scopes, such as {@link Scopes#READ}; {@link Scopes#ADMIN} implies all
 * @since 0.1.0
 */
public record Principal(String name, Set<String> scopes) {
  /**
   * Copies {@code scopes}.
   *
   * @param name a stable identifier
   * @param scopes the granted scopes; copied
   */
  public Principal {
    requireNonNull(name, "name");
    scopes = Set.copyOf(requireNonNull(scopes, "scopes"));
  }

  /**
   * Whether this principal may perform {@code operation}.
   *
   * @param operation the operation asked for
   * @return true when the principal has the operation's scope or {@link Scopes#ADMIN}
   */
  public boolean mayPerform(UserOperation operation) {
    return scopes.contains(Scopes.ADMIN) || scopes.contains(operation.requiredScope());
  }
}
