package dev.userapi.examples.server;

import dev.userapi.core.CreateResult;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Forwards to a real service, except that a {@link #get} of the armed id waits at a gate: the test
 * sees the call arrive ({@link #awaitEntered()}) and decides when it may finish ({@link
 * #release()}). That makes "a call is in flight" a fact instead of a timing guess.
 */
final class GatedUserService implements UserService {
  private final UserService delegate;
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile String gatedId;

  GatedUserService(UserService delegate) {
    this.delegate = delegate;
  }

  void arm(String id) {
    gatedId = id;
  }

  void awaitEntered() throws InterruptedException {
    if (!entered.await(20, TimeUnit.SECONDS)) {
      throw new AssertionError("the gated call never arrived");
    }
  }

  void release() {
    released.countDown();
  }

  @Override
  public User get(String id) {
    if (id.equals(gatedId)) {
      entered.countDown();
      try {
        if (!released.await(30, TimeUnit.SECONDS)) {
          throw new AssertionError("the gate was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return delegate.get(id);
  }

  @Override
  public User create(NewUser newUser, String requestId) {
    return delegate.create(newUser, requestId);
  }

  @Override
  public User update(String id, UserUpdate update, String expectedEtag) {
    return delegate.update(id, update, expectedEtag);
  }

  @Override
  public User replace(String id, NewUser replacement, String expectedEtag) {
    return delegate.replace(id, replacement, expectedEtag);
  }

  @Override
  public void delete(String id, String expectedEtag) {
    delegate.delete(id, expectedEtag);
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
