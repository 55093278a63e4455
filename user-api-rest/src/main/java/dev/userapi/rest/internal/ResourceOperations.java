package dev.userapi.rest.internal;

import dev.userapi.core.UserOperation;
import dev.userapi.rest.UserResource;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Which {@link UserOperation} each {@link UserResource} method performs, written once for the
 * filters that authorise and observe requests.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class ResourceOperations {
  private static final Map<String, UserOperation> OPERATIONS =
      Map.ofEntries(
          Map.entry("create", UserOperation.CREATE),
          Map.entry("get", UserOperation.GET),
          Map.entry("update", UserOperation.UPDATE),
          Map.entry("replace", UserOperation.REPLACE),
          Map.entry("delete", UserOperation.DELETE),
          Map.entry("list", UserOperation.LIST),
          Map.entry("stream", UserOperation.STREAM),
          Map.entry("watch", UserOperation.WATCH),
          Map.entry("batchCreateFromArray", UserOperation.CREATE_ALL),
          Map.entry("batchCreateFromLines", UserOperation.CREATE_ALL));

  private ResourceOperations() {}

  /**
   * The operation of a resource method, or null for other methods (health, the OpenAPI document).
   */
  public static UserOperation of(Method method) {
    if (method == null || method.getDeclaringClass() != UserResource.class) {
      return null;
    }
    return OPERATIONS.get(method.getName());
  }
}
