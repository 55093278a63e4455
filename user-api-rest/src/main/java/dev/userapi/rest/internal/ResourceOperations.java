package dev.userapi.rest.internal;

import dev.userapi.core.UserOperation;
import java.lang.reflect.Method;

/**
 * Reads what a resource method of the API declares: its {@link Operation} or {@link
 * PublicEndpoint}. Stateless and thread-safe. Not API: used by userapi modules only.
 */
public final class ResourceOperations {
  private ResourceOperations() {}

  /**
   * The operation {@code method} declares, or null when it declares none (a public endpoint, an
   * undeclared method, a resource of the application's own, or no method at all).
   */
  public static UserOperation of(Method method) {
    Operation operation = method == null ? null : method.getAnnotation(Operation.class);
    return operation == null ? null : operation.value();
  }

  /** Whether {@code method} declares that it is open to callers without a token. */
  public static boolean isPublic(Method method) {
    return method != null && method.isAnnotationPresent(PublicEndpoint.class);
  }
}
