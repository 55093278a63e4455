package dev.userapi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Proves the contract can fail: it catches a broken service and keeps its known-failing list
 * honest.
 */
class ContractSelfTest {

  @Test
  void contractCatchesAServiceThatIgnoresEtags() {
    Events tests = run(IgnoresEtags.class);

    assertThat(failedNames(tests))
        .contains(
            "updateWithAStaleEtagIsPreconditionFailedAndChangesNothing()",
            "deleteWithAStaleEtagIsPreconditionFailedAndKeepsTheUser()",
            "replaceWithAStaleEtagIsPreconditionFailed()");
    assertThat(tests.succeeded().count()).isGreaterThan(40);
  }

  @Test
  void knownFailingCaseIsSkippedWhileItFails() {
    Events tests = run(IgnoresEtagsButSaysSo.class);

    assertThat(failedNames(tests))
        .doesNotContain("updateWithAStaleEtagIsPreconditionFailedAndChangesNothing()");
    assertThat(tests.aborted().stream().map(e -> e.getTestDescriptor().getDisplayName()))
        .contains("updateWithAStaleEtagIsPreconditionFailedAndChangesNothing()");
  }

  @Test
  void knownFailingCaseThatPassesFailsTheRun() {
    Events tests = run(ListsAPassingCase.class);

    assertThat(failedNames(tests)).containsExactly("healthIsServing()");
  }

  @Test
  void undeclaredCapabilitiesAreSkippedNotPassed() {
    Events tests = run(WithoutWatch.class);

    assertThat(failures(tests)).isEmpty();
    assertThat(tests.skipped().count() + tests.aborted().count()).isGreaterThanOrEqualTo(6);
  }

  private static Events run(Class<?> contract) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(contract))
        .execute()
        .testEvents();
  }

  private static List<String> failures(Events tests) {
    return tests.failed().stream()
        .map(
            e ->
                e.getTestDescriptor().getDisplayName()
                    + ": "
                    + e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                        .map(Throwable::toString)
                        .orElse("?"))
        .toList();
  }

  private static List<String> failedNames(Events tests) {
    return tests.failed().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
  }

  /** A service with a classic bug: it drops every expected etag on the floor. */
  static class IgnoresEtags extends UserServiceContract {
    @Override
    protected UserService newService() {
      return new EtagBlindService(DefaultUserService.inMemory());
    }
  }

  static class IgnoresEtagsButSaysSo extends IgnoresEtags {
    @Override
    protected Set<String> knownFailing() {
      return Set.of("updateWithAStaleEtagIsPreconditionFailedAndChangesNothing");
    }
  }

  static class ListsAPassingCase extends UserServiceContract {
    @Override
    protected UserService newService() {
      return DefaultUserService.inMemory();
    }

    @Override
    protected Set<String> knownFailing() {
      return Set.of("healthIsServing");
    }
  }

  static class WithoutWatch extends UserServiceContract {
    @Override
    protected UserService newService() {
      return DefaultUserService.inMemory();
    }

    @Override
    protected Set<Capability> capabilities() {
      return EnumSet.complementOf(EnumSet.of(Capability.WATCH));
    }
  }

  private static final class EtagBlindService extends ForwardingUserService {
    EtagBlindService(UserService delegate) {
      super(delegate);
    }

    @Override
    public User update(String id, UserUpdate update, String expectedEtag) {
      return super.update(id, update, null);
    }

    @Override
    public User replace(String id, NewUser replacement, String expectedEtag) {
      return super.replace(id, replacement, null);
    }

    @Override
    public void delete(String id, String expectedEtag) {
      super.delete(id, null);
    }
  }
}
