package dev.userapi.core;

import dev.userapi.core.internal.Tck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * Reactive Streams TCK (run by the TestNG engine) for {@link LimitedUserService}'s publishers: its
 * permit-releasing wrapper around a stream, and its over-the-cap rejection as the failed publisher.
 */
public class LimitedUserServiceTckTest extends FlowPublisherVerification<User> {
  public LimitedUserServiceTckTest() {
    super(Tck.environment(), Tck.PUBLISHER_GC_TIMEOUT_MILLIS);
  }

  @Override
  public Flow.Publisher<User> createFlowPublisher(long elements) {
    DefaultUserService delegate = DefaultUserService.inMemory();
    List<NewUser> users = new ArrayList<>();
    for (long i = 0; i < elements; i++) {
      users.add(NewUser.of("User " + i, "u" + i + "@example.com"));
    }
    delegate.createAll(users);
    return LimitedUserService.builder(delegate).build().stream(UserFilter.all());
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

  /** Each element is a stored user; a few thousand keep the in-memory store small. */
  @Override
  public long maxElementsFromPublisher() {
    return 10_000;
  }
}
