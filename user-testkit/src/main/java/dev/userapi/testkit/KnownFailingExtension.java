package dev.userapi.testkit;

import java.lang.reflect.Method;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

/**
 * Turns the cases an implementation lists as known-failing into skips while they fail, and into a
 * failure as soon as one passes, so the list cannot go stale.
 */
final class KnownFailingExtension implements InvocationInterceptor {

  @Override
  public void interceptTestMethod(
      Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> invocationContext,
      ExtensionContext extensionContext)
      throws Throwable {
    intercept(invocation, invocationContext, extensionContext);
  }

  @Override
  public void interceptTestTemplateMethod(
      Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> invocationContext,
      ExtensionContext extensionContext)
      throws Throwable {
    intercept(invocation, invocationContext, extensionContext);
  }

  private static void intercept(
      Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> invocationContext,
      ExtensionContext extensionContext)
      throws Throwable {
    String name = invocationContext.getExecutable().getName();
    Set<String> knownFailing = knownFailingOf(extensionContext.getRequiredTestInstance());
    if (!knownFailing.contains(name)) {
      invocation.proceed();
      return;
    }
    try {
      invocation.proceed();
    } catch (TestAbortedException skipped) {
      throw skipped;
    } catch (Throwable expected) {
      throw new TestAbortedException("known failing (listed in knownFailing()): " + name, expected);
    }
    throw new AssertionError(
        name + " is listed in knownFailing() but now passes: remove it from the list");
  }

  private static Set<String> knownFailingOf(Object testInstance) {
    if (testInstance instanceof UserServiceContract contract) {
      return contract.knownFailing();
    }
    if (testInstance instanceof UserRepositoryContract contract) {
      return contract.knownFailing();
    }
    return Set.of();
  }
}
