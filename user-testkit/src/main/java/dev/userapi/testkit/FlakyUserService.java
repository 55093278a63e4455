package dev.userapi.testkit;

import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link UserService} for fault tests of clients and servers: it forwards to a real service,
 * counts the calls each operation received, fails the next calls with a chosen {@link ErrorCode},
 * and can hold creates at a gate, so a test can kill a server while a write is in flight and then
 * check what the caller saw and what the store holds.
 *
 * <pre>{@code
 * FlakyUserService flaky = new FlakyUserService(DefaultUserService.inMemory());
 * flaky.failNext(ErrorCode.UNAVAILABLE);           // the next call of any operation fails
 * client.get(id);                                    // a retrying client succeeds on its second try
 * assertThat(flaky.calls(UserOperation.GET)).isEqualTo(2);
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class FlakyUserService extends ForwardingUserService {
  private final AtomicInteger creates = new AtomicInteger();
  private final AtomicInteger createAlls = new AtomicInteger();
  private final AtomicInteger gets = new AtomicInteger();
  private final AtomicInteger updates = new AtomicInteger();
  private final AtomicInteger replaces = new AtomicInteger();
  private final AtomicInteger deletes = new AtomicInteger();
  private final AtomicInteger lists = new AtomicInteger();
  private final AtomicInteger streams = new AtomicInteger();
  private final CountDownLatch createEntered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private final CountDownLatch createDone = new CountDownLatch(1);
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile ErrorCode failure;
  private volatile boolean holdCreates;

  /**
   * Forwards to {@code delegate}.
   *
   * @param delegate the real service behind the faults
   */
  public FlakyUserService(UserService delegate) {
    super(delegate);
  }

  /**
   * Fails the next call of any operation with {@code code}.
   *
   * @param code the code of the induced {@link UserException}
   */
  public void failNext(ErrorCode code) {
    failNext(code, 1);
  }

  /**
   * Fails the next {@code times} calls of any operation with {@code code}.
   *
   * @param code the code of the induced {@link UserException}
   * @param times how many calls fail
   */
  public void failNext(ErrorCode code, int times) {
    failure = code;
    failuresLeft.set(times);
  }

  /**
   * Makes every later create wait at a gate until {@link #release()}; see {@link
   * #awaitCreateEntered}.
   */
  public void holdCreates() {
    holdCreates = true;
  }

  /** Opens the gate of {@link #holdCreates()}; held creates go on to the store. */
  public void release() {
    released.countDown();
  }

  /**
   * Waits until a held create has arrived at the gate.
   *
   * @param timeout how long to wait
   * @return whether one arrived in time
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitCreateEntered(Duration timeout) throws InterruptedException {
    return createEntered.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits until a held create has finished (stored or failed).
   *
   * @param timeout how long to wait
   * @return whether it finished in time
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitCreateDone(Duration timeout) throws InterruptedException {
    return createDone.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * How many calls of {@code create} arrived, failed ones included.
   *
   * @return the count
   */
  public int creates() {
    return creates.get();
  }

  /**
   * How many calls of {@code createAll} arrived.
   *
   * @return the count
   */
  public int createAlls() {
    return createAlls.get();
  }

  /**
   * How many calls of {@code get} arrived.
   *
   * @return the count
   */
  public int gets() {
    return gets.get();
  }

  /**
   * How many calls of {@code update} arrived.
   *
   * @return the count
   */
  public int updates() {
    return updates.get();
  }

  /**
   * How many calls of {@code replace} arrived.
   *
   * @return the count
   */
  public int replaces() {
    return replaces.get();
  }

  /**
   * How many calls of {@code delete} arrived.
   *
   * @return the count
   */
  public int deletes() {
    return deletes.get();
  }

  /**
   * How many calls of {@code list} arrived.
   *
   * @return the count
   */
  public int lists() {
    return lists.get();
  }

  /**
   * How many calls of {@code stream} arrived.
   *
   * @return the count
   */
  public int streams() {
    return streams.get();
  }

  private void maybeFail() {
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new UserException(failure, "induced " + failure);
    }
  }

  @Override
  public User create(NewUser newUser, String requestId) {
    creates.incrementAndGet();
    maybeFail();
    if (!holdCreates) {
      return super.create(newUser, requestId);
    }
    createEntered.countDown();
    awaitRelease();
    try {
      return super.create(newUser, requestId);
    } finally {
      createDone.countDown();
    }
  }

  // A server's shutdownNow may interrupt this thread; the create still completes, as a store
  // write already under way would.
  private void awaitRelease() {
    boolean interrupted = false;
    while (true) {
      try {
        released.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public List<CreateResult> createAll(List<NewUser> newUsers) {
    createAlls.incrementAndGet();
    maybeFail();
    return super.createAll(newUsers);
  }

  @Override
  public User get(String id) {
    gets.incrementAndGet();
    maybeFail();
    return super.get(id);
  }

  @Override
  public User update(String id, UserUpdate update, String expectedEtag) {
    updates.incrementAndGet();
    maybeFail();
    return super.update(id, update, expectedEtag);
  }

  @Override
  public User replace(String id, NewUser replacement, String expectedEtag) {
    replaces.incrementAndGet();
    maybeFail();
    return super.replace(id, replacement, expectedEtag);
  }

  @Override
  public void delete(String id, String expectedEtag) {
    deletes.incrementAndGet();
    maybeFail();
    super.delete(id, expectedEtag);
  }

  @Override
  public Page<User> list(UserQuery query) {
    lists.incrementAndGet();
    maybeFail();
    return super.list(query);
  }

  @Override
  public Flow.Publisher<User> stream(UserFilter filter) {
    streams.incrementAndGet();
    try {
      maybeFail();
    } catch (UserException e) {
      // A publisher reports failure through onError, not by throwing.
      return subscriber -> {
        subscriber.onSubscribe(
            new Flow.Subscription() {
              @Override
              public void request(long n) {}

              @Override
              public void cancel() {}
            });
        subscriber.onError(e);
      };
    }
    return super.stream(filter);
  }
}
