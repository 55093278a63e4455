package dev.userapi.grpc.internal;

import dev.userapi.core.UserOperation;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.MethodDescriptor;
import java.util.Map;

/**
 * The one mapping from the rpcs of {@code userapi.v1.UserService} to the {@link UserOperation}s
 * they perform, used both to authorise a call ({@code BearerAuthInterceptor}) and to tag its
 * metrics ({@link MicrometerCalls}), so the two can never disagree. Stateless and thread-safe.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class RpcOperations {
  private static final Map<String, UserOperation> BY_FULL_METHOD_NAME =
      Map.of(
          name(UserServiceGrpc.getCreateUserMethod()), UserOperation.CREATE,
          name(UserServiceGrpc.getGetUserMethod()), UserOperation.GET,
          name(UserServiceGrpc.getUpdateUserMethod()), UserOperation.UPDATE,
          name(UserServiceGrpc.getReplaceUserMethod()), UserOperation.REPLACE,
          name(UserServiceGrpc.getDeleteUserMethod()), UserOperation.DELETE,
          name(UserServiceGrpc.getListUsersMethod()), UserOperation.LIST,
          name(UserServiceGrpc.getStreamUsersMethod()), UserOperation.STREAM,
          name(UserServiceGrpc.getWatchUsersMethod()), UserOperation.WATCH,
          name(UserServiceGrpc.getBatchCreateUsersMethod()), UserOperation.CREATE_ALL,
          name(UserServiceGrpc.getLookupUsersMethod()), UserOperation.LOOKUP);

  private RpcOperations() {}

  /**
   * The operation an rpc performs.
   *
   * @param fullMethodName e.g. {@code userapi.v1.UserService/GetUser}
   * @return the operation, or null for a method that is not one of the user service's
   */
  public static UserOperation of(String fullMethodName) {
    return fullMethodName == null ? null : BY_FULL_METHOD_NAME.get(fullMethodName);
  }

  private static String name(MethodDescriptor<?, ?> method) {
    return method.getFullMethodName();
  }
}
