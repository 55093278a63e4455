package dev.userapi.server.cli;

import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Forwards to a real service, except that a {@link #get} of the armed id waits at a gate: the test
 * sees the call arrive ({@link #awaitEntered()}) and decides when it may finish ({@link
 * #release()}). That makes "a call is in flight" a fact instead of a timing guess.
 */
final class GatedUserService extends ForwardingUserService {
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile String gatedId;

  GatedUserService(UserService delegate) {
    super(delegate);
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
    return super.get(id);
  }
}
