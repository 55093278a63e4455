package dev.userapi.core;

import dev.userapi.core.internal.IteratorPublisher;
import dev.userapi.core.internal.Tck;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * Reactive Streams TCK (run by the TestNG engine) for {@link LimitedUserService}'s publishers: its
 * permit-releasing wrapper around a stream, and its over-the-cap rejection as the failed publisher.
 * The wrapped stream generates its users lazily, so the TCK may ask for any number of them (rule
 * 3.17 asks for {@code Integer.MAX_VALUE}) without a store holding them.
 *
 * <p>Skipped by the TCK itself: its {@code untested_*} placeholders (rules it has no test for) and
 * {@code optional_spec309_...WithSpecificMessage}, which wants the rule number in the {@code
 * IllegalArgumentException}'s message; ours says {@code "request: 0 (expected: > 0)"}.
 */
public class LimitedUserServiceTckTest extends FlowPublisherVerification<User> {
  public LimitedUserServiceTckTest() {
    super(Tck.environment(), Tck.PUBLISHER_GC_TIMEOUT_MILLIS);
  }

  @Override
  public Flow.Publisher<User> createFlowPublisher(long elements) {
    UserService generating =
        new ForwardingUserService(DefaultUserService.inMemory()) {
          @Override
          public Flow.Publisher<User> stream(UserFilter filter) {
            return new IteratorPublisher<>(() -> generated(elements));
          }
        };
    return LimitedUserService.builder(generating).build().stream(UserFilter.all());
  }

  @Override
  public Flow.Publisher<User> createFailedFlowPublisher() {
    LimitedUserService service =
        LimitedUserService.builder(DefaultUserService.inMemory()).maxConcurrentStreams(1).build();
    // Holds the only permit: it never requests, completes or cancels.
    service.stream(UserFilter.all())
        .subscribe(
            new Flow.Subscriber<>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {}

              @Override
              public void onNext(User item) {}

              @Override
              public void onError(Throwable throwable) {}

              @Override
              public void onComplete() {}
            });
    return service.stream(UserFilter.all());
  }

  /** {@code count} users made one at a time as they are read, like rows from a cursor. */
  private static Iterator<User> generated(long count) {
    Instant now = Instant.EPOCH;
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public User next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        long n = next++;
        return new User(
            "u" + n, "User " + n, "u" + n + "@example.com", OptionalInt.empty(), now, now, 1);
      }
    };
  }
}
