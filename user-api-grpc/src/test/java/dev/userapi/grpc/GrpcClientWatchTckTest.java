package dev.userapi.grpc;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserService;
import dev.userapi.core.internal.IteratorPublisher;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;

/**
 * Reactive Streams TCK (run by the TestNG engine) for {@link GrpcUserClient#watch}'s publisher (the
 * same {@code internal.ClientStreamPublisher} as {@code stream}, on the {@code WatchUsers} call),
 * each over its own in-process server whose service watch sends {@code elements} generated events
 * through the real {@link UserGrpcService} and then ends. A real watch never ends, but the client
 * publisher only relays what the server does, so ending lets the TCK check the completion rules on
 * the client side too.
 *
 * <p>Skipped by the TCK itself: its {@code untested_*} placeholders (rules it has no test for) and
 * {@code optional_spec309_...WithSpecificMessage}, which wants the rule number in the {@code
 * IllegalArgumentException}'s message; ours says {@code "request: 0 (expected: > 0)"}.
 */
public class GrpcClientWatchTckTest extends FlowPublisherVerification<UserEvent> {
  private final List<GrpcFixture> fixtures = new CopyOnWriteArrayList<>();

  public GrpcClientWatchTckTest() {
    super(new TestEnvironment(2_000, 200), 2_000);
  }

  @AfterClass
  public void closeFixtures() {
    fixtures.forEach(GrpcFixture::close);
  }

  @Override
  public Flow.Publisher<UserEvent> createFlowPublisher(long elements) {
    UserService generating =
        new ForwardingUserService(DefaultUserService.inMemory()) {
          @Override
          public Flow.Publisher<UserEvent> watch(long afterSequence) {
            return new IteratorPublisher<>(() -> events(elements));
          }
        };
    return fixture(generating).client.watch(UserService.WATCH_FROM_NOW);
  }

  @Override
  public Flow.Publisher<UserEvent> createFailedFlowPublisher() {
    // Ahead of the newest event of an empty store: INVALID_ARGUMENT, with no demand needed.
    return fixture(DefaultUserService.inMemory()).client.watch(5);
  }

  private GrpcFixture fixture(UserService users) {
    GrpcFixture fixture = GrpcFixture.inProcess(users);
    fixtures.add(fixture);
    return fixture;
  }

  /** {@code count} creation events, made one at a time as they are read. */
  static Iterator<UserEvent> events(long count) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public UserEvent next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        long n = ++next;
        User user =
            new User(
                "u" + n, "User " + n, "u" + n + "@example.com", OptionalInt.empty(), now, now, 1);
        return new UserEvent(n, UserEvent.Type.CREATED, user);
      }
    };
  }
}
