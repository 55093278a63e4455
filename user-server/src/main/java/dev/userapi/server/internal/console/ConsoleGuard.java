package dev.userapi.server.internal.console;

import dev.userapi.core.Authenticator;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import dev.userapi.core.UserException;
import dev.userapi.core.UserOperation;
import dev.userapi.core.internal.BearerTokens;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who may use the console's API. Two kinds of endpoint:
 *
 * <ul>
 *   <li>the tools (benchmark, client scenarios, request-log tail): on by default only when the
 *       server is bound to a loopback address and has no authenticator, or when the embedder or
 *       operator turned them on explicitly; with an authenticator each call then needs a token with
 *       {@link Scopes#ADMIN}. Off, they answer 404 with a detail saying how to turn them on;
 *   <li>the demo write: the scope of {@link UserOperation#CREATE}, as the REST API's create asks.
 * </ul>
 *
 * <p>Refusals are {@link UserException}s (UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND) that the
 * REST API's problem code answers as problem+json ({@link ConsoleToolFilter} for the tools, the
 * exception mappers for the demo write), 401 with {@code WWW-Authenticate}: the same table and the
 * same form as every other REST error. Tokens are checked by the server's own {@link
 * Authenticator}, read from the {@code Authorization} header as the REST filter reads them.
 *
 * <p>Immutable and thread-safe. Not API: used by userapi modules only.
 */
public final class ConsoleGuard {
  private final boolean toolsOn;
  private final String reason;
  private final Authenticator authenticator; // null: open server

  ConsoleGuard(boolean toolsOn, String reason, Authenticator authenticator) {
    this.toolsOn = toolsOn;
    this.reason = reason;
    this.authenticator = authenticator;
  }

  /**
   * The guard of a server bound to {@code bind} with {@code authenticator} (null: none).
   *
   * @param explicit the embedder's or operator's choice; null for the default rule
   */
  public static ConsoleGuard of(String bind, Authenticator authenticator, Boolean explicit) {
    boolean tokens = authenticator != null;
    if (explicit != null && !explicit) {
      return new ConsoleGuard(
          false,
          "off: turned off by consoleTools(false) / --no-console-tools;"
              + " restart without it (or with --console-tools) to use them",
          authenticator);
    }
    if (explicit != null) {
      return new ConsoleGuard(
          true,
          tokens
              ? "on: turned on by consoleTools(true) / --console-tools; each call needs a token"
                  + " with the "
                  + Scopes.ADMIN
                  + " scope"
              : "on: turned on by consoleTools(true) / --console-tools",
          authenticator);
    }
    boolean loopback = isLoopback(bind);
    if (loopback && !tokens) {
      return new ConsoleGuard(
          true,
          "on: the server is bound to loopback (" + bind + ") and has no tokens",
          authenticator);
    }
    String why =
        !loopback
            ? "the server is bound to " + bind + ", not to loopback"
            : "the server requires tokens";
    return new ConsoleGuard(
        false,
        "off: "
            + why
            + "; restart with --console-tools (consoleTools(true)) to turn them on"
            + (tokens ? ", then each call needs a token with the " + Scopes.ADMIN + " scope" : ""),
        authenticator);
  }

  static boolean isLoopback(String bind) {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether the tools are served. */
  public boolean toolsOn() {
    return toolsOn;
  }

  /** Why the tools are on or off, and how to change that: for people, as the info shows it. */
  public String reason() {
    return reason;
  }

  /** Whether calls need a token. */
  public boolean auth() {
    return authenticator != null;
  }

  /**
   * Lets a call of a tool through, or throws its refusal.
   *
   * @param authorization the request's {@code Authorization} header, or null
   * @return the caller's bearer token when the server checks tokens, else null
   * @throws UserException NOT_FOUND (tools off), UNAUTHENTICATED, PERMISSION_DENIED
   */
  String checkTools(String authorization) {
    if (!toolsOn) {
      throw new UserException(ErrorCode.NOT_FOUND, "the console's tools are " + reason);
    }
    if (authenticator == null) {
      return null;
    }
    String token = BearerTokens.fromAuthorization(authorization);
    Principal principal = authenticate(token);
    if (!principal.scopes().contains(Scopes.ADMIN)) {
      throw new UserException(
          ErrorCode.PERMISSION_DENIED, "the console's tools need the scope " + Scopes.ADMIN);
    }
    return token;
  }

  /**
   * Lets a call that performs {@code operation} through, or throws its refusal; every call passes
   * on a server without tokens.
   *
   * @throws UserException UNAUTHENTICATED, PERMISSION_DENIED
   */
  void checkOperation(String authorization, UserOperation operation) {
    if (authenticator == null) {
      return;
    }
    Principal principal = authenticate(BearerTokens.fromAuthorization(authorization));
    if (!principal.mayPerform(operation)) {
      throw new UserException(
          ErrorCode.PERMISSION_DENIED, "this call needs the scope " + operation.requiredScope());
    }
  }

  private Principal authenticate(String token) {
    if (token == null) {
      throw new UserException(
          ErrorCode.UNAUTHENTICATED, "send a bearer token in the Authorization header");
    }
    return authenticator.authenticate(token);
  }
}
