package dev.userapi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.userapi.core.CreateResult;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Flow;
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

  private record EtagBlindService(UserService delegate) implements UserService {
    @Override
    public User create(NewUser newUser, String requestId) {
      return delegate.create(newUser, requestId);
    }

    @Override
    public User get(String id) {
      return delegate.get(id);
    }

    @Override
    public User update(String id, UserUpdate update, String expectedEtag) {
      return delegate.update(id, update, null);
    }

    @Override
    public User replace(String id, NewUser replacement, String expectedEtag) {
      return delegate.replace(id, replacement, null);
    }

    @Override
    public void delete(String id, String expectedEtag) {
      delegate.delete(id, null);
    }

    @Override
    public Page<User> list(UserQuery query) {
      return delegate.list(query);
    }

    @Override
    public Flow.Publisher<User> stream(UserFilter filter) {
      return delegate.stream(filter);
    }

    @Override
    public List<CreateResult> createAll(List<NewUser> newUsers) {
      return delegate.createAll(newUsers);
    }

    @Override
    public Flow.Publisher<UserEvent> watch(long afterSequence) {
      return delegate.watch(afterSequence);
    }

    @Override
    public HealthStatus health() {
      return delegate.health();
    }
  }
}
