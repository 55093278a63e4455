package dev.userapi.grpc;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Reactive Streams TCK (run by the TestNG engine) for {@code internal.ServerStreamSubscriber}: each
 * subscriber under test is the one {@link UserGrpcService} subscribes with for a real {@code
 * StreamUsers} call over the in-process transport, read by a client that takes everything.
 * Blackbox: the subscriber paces itself by the call's readiness, so no probe can make it request.
 */
public class ServerStreamSubscriberTckTest extends FlowSubscriberBlackboxVerification<User> {
  private final BlockingQueue<Flow.Subscriber<? super User>> subscribers =
      new LinkedBlockingQueue<>();
  private final List<Flow.Subscription> readers = new CopyOnWriteArrayList<>();
  private GrpcFixture fixture;

  public ServerStreamSubscriberTckTest() {
    super(new TestEnvironment(2_000, 200));
  }

  @BeforeClass
  public void startServer() {
    fixture =
        GrpcFixture.inProcess(
            new ForwardingUserService(DefaultUserService.inMemory()) {
              @Override
              public Flow.Publisher<User> stream(UserFilter filter) {
                // The TCK plays the publisher: hand it the server's subscriber.
                return subscribers::add;
              }
            });
  }

  @AfterClass
  public void stopServer() {
    readers.forEach(Flow.Subscription::cancel);
    fixture.close();
  }

  @Override
  public Flow.Subscriber<User> createFlowSubscriber() {
    fixture.client.stream(UserFilter.all()).subscribe(new Reader());
    try {
      @SuppressWarnings("unchecked")
      Flow.Subscriber<User> subscriber =
          (Flow.Subscriber<User>) subscribers.poll(10, TimeUnit.SECONDS);
      if (subscriber == null) {
        throw new AssertionError("the server never subscribed");
      }
      return subscriber;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public User createElement(int element) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new User(
        new UUID(0x0189_0000_0000_7000L, 0x8000_0000_0000_0000L | element).toString(),
        "User " + element,
        "user" + element + "@example.com",
        OptionalInt.empty(),
        now,
        now,
        1);
  }

  /** The client end: takes all it is sent, so the server call stays ready. */
  private final class Reader implements Flow.Subscriber<User> {
    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      readers.add(subscription);
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(User item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }
}
