package dev.userapi.server.internal;

import dev.userapi.core.UserEvent;
import dev.userapi.core.UserService;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * Reactive Streams TCK (run by the TestNG engine) for the watch publisher of {@link
 * DrainingUserService}, over an upstream that ends after the given events; the failed publisher is
 * a watch opened while the server drains.
 */
public class DrainingUserServiceTckTest extends FlowPublisherVerification<UserEvent> {
  public DrainingUserServiceTckTest() {
    // Timeouts well above the TCK's default: the build shares two cores with others.
    super(new TestEnvironment(2_000, 200), 2_000);
  }

  @Override
  public Flow.Publisher<UserEvent> createFlowPublisher(long elements) {
    return new DrainingUserService(WatchEvents.thatEndAfter(elements))
        .watch(UserService.WATCH_FROM_NOW);
  }

  @Override
  public Flow.Publisher<UserEvent> createFailedFlowPublisher() {
    DrainingUserService draining = new DrainingUserService(WatchEvents.thatEndAfter(0));
    draining.drain();
    return draining.watch(UserService.WATCH_FROM_NOW);
  }
}
