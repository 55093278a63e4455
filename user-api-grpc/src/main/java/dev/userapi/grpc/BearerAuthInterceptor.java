package dev.userapi.grpc;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.Authenticator;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.Principal;
import dev.userapi.core.UserException;
import dev.userapi.core.UserOperation;
import dev.userapi.core.internal.BearerTokens;
import dev.userapi.grpc.internal.GrpcErrors;
import dev.userapi.grpc.internal.RpcOperations;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;

/**
 * Authenticates every call to the user service from its {@code authorization: Bearer <token>}
 * metadata and authorises it by the scope its {@link UserOperation} needs — the same rules the REST
 * filter applies. No or an invalid token fails the call with UNAUTHENTICATED, a valid token without
 * the scope with PERMISSION_DENIED; the service method never runs. The principal is available to
 * the service as {@link #PRINCIPAL}{@code .get()}.
 *
 * <p>Install it around the user service only, {@code
 * ServerInterceptors.intercept(UserGrpcService.of(users), new BearerAuthInterceptor(auth))}, so
 * that services next to it (health, reflection) stay open; {@code user-server}'s {@code UserServer}
 * does so. Tokens are never logged. Thread-safe.
 *
 * @since 0.1.0
 */
public final class BearerAuthInterceptor implements ServerInterceptor {
  /** The authenticated caller of the current call. */
  public static final Context.Key<Principal> PRINCIPAL = Context.key("userapi.principal");

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Authenticator authenticator;

  /**
   * Checks callers with {@code authenticator}.
   *
   * @param authenticator turns the presented bearer token into a principal, or fails with
   *     UNAUTHENTICATED
   */
  public BearerAuthInterceptor(Authenticator authenticator) {
    this.authenticator = requireNonNull(authenticator, "authenticator");
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    Principal principal;
    try {
      principal =
          authorize(call.getMethodDescriptor().getFullMethodName(), headers.get(AUTHORIZATION));
    } catch (UserException e) {
      StatusRuntimeException status = GrpcErrors.toStatusException(e);
      call.close(
          status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current().withValue(PRINCIPAL, principal), call, headers, next);
  }

  private Principal authorize(String fullMethodName, String authorization) {
    String token = BearerTokens.fromAuthorization(authorization);
    if (token == null) {
      throw new UserException(
          ErrorCode.UNAUTHENTICATED, "send a bearer token in the authorization metadata");
    }
    Principal principal = authenticator.authenticate(token);
    UserOperation operation = RpcOperations.of(fullMethodName);
    if (operation == null || !principal.mayPerform(operation)) {
      throw new UserException(
          ErrorCode.PERMISSION_DENIED,
          operation == null
              ? "this method is not open to callers"
              : "this call needs the scope " + operation.requiredScope());
    }
    return principal;
  }
}
