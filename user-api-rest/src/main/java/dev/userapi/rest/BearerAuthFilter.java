package dev.userapi.rest;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.Authenticator;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.Principal;
import dev.userapi.core.UserException;
import dev.userapi.core.UserOperation;
import dev.userapi.core.internal.BearerTokens;
import dev.userapi.rest.internal.Problems;
import dev.userapi.rest.internal.ResourceOperations;
import dev.userapi.rest.internal.UserApi;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every call to {@link UserResource} from its {@code Authorization: Bearer <token>}
 * header (RFC 6750) and authorises it by the scope its {@link UserOperation} needs — the same rules
 * the gRPC interceptor applies. No or an invalid token: 401 with {@code WWW-Authenticate: Bearer};
 * a valid token without the scope: 403 naming the scope. Both as {@code application/problem+json},
 * and the resource method never runs. {@code /api/health} and {@code /api/openapi.yaml} stay open.
 * It fails closed: a resource method of the API that declares neither its operation nor that it is
 * public is refused with 403, token or not. It applies to the API's own resources only (JAX-RS name
 * binding); the application's other resources are left to their own security. The principal is then
 * the request's {@link SecurityContext#getUserPrincipal()}, and {@code isUserInRole(scope)} answers
 * for its scopes.
 *
 * <p>Register it with {@link UserApiFeature.Builder#authenticator(Authenticator)}. Tokens are never
 * logged. Thread-safe.
 *
 * @since 0.1.0
 */
@UserApi
public final class BearerAuthFilter implements ContainerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(BearerAuthFilter.class);

  private final Authenticator authenticator;

  @Context private ResourceInfo resourceInfo;

  /**
   * Checks callers with {@code authenticator}.
   *
   * @param authenticator turns the presented bearer token into a principal, or fails with
   *     UNAUTHENTICATED (401)
   */
  public BearerAuthFilter(Authenticator authenticator) {
    this.authenticator = requireNonNull(authenticator, "authenticator");
  }

  @Override
  public void filter(ContainerRequestContext request) {
    Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
    if (ResourceOperations.isPublic(method)) {
      return; // health and the OpenAPI document: open to probes and browsers
    }
    UserOperation operation = ResourceOperations.of(method);
    if (operation == null) {
      // Fail closed: a method of the API that says neither what it does nor that it is public
      // would otherwise be served without a check.
      log.error("refusing {}: it declares no UserOperation and is not public", method);
      request.abortWith(
          Problems.toResponse(
              new UserException(
                  ErrorCode.PERMISSION_DENIED, "this endpoint declares no operation")));
      return;
    }
    String token =
        BearerTokens.fromAuthorization(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (token == null) {
      request.abortWith(
          Problems.toResponse(
              new UserException(
                  ErrorCode.UNAUTHENTICATED, "send a bearer token in the Authorization header")));
      return;
    }
    Principal principal;
    try {
      principal = authenticator.authenticate(token);
    } catch (UserException e) {
      request.abortWith(
          withChallenge(
              Problems.toResponse(e), "Bearer realm=\"userapi\", error=\"invalid_token\""));
      return;
    }
    if (!principal.mayPerform(operation)) {
      request.abortWith(
          withChallenge(
              Problems.toResponse(
                  new UserException(
                      ErrorCode.PERMISSION_DENIED,
                      "this call needs the scope " + operation.requiredScope())),
              "Bearer realm=\"userapi\", error=\"insufficient_scope\", scope=\""
                  + operation.requiredScope()
                  + "\""));
      return;
    }
    request.setSecurityContext(new PrincipalContext(principal, request.getSecurityContext()));
  }

  private static Response withChallenge(Response response, String challenge) {
    return Response.fromResponse(response)
        .header(HttpHeaders.WWW_AUTHENTICATE, null)
        .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
        .build();
  }

  private record PrincipalContext(Principal principal, SecurityContext transport)
      implements SecurityContext {
    @Override
    public java.security.Principal getUserPrincipal() {
      return principal::name;
    }

    @Override
    public boolean isUserInRole(String scope) {
      return principal.scopes().contains(scope);
    }

    @Override
    public boolean isSecure() {
      return transport != null && transport.isSecure();
    }

    @Override
    public String getAuthenticationScheme() {
      return "Bearer";
    }
  }
}
