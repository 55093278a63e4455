package dev.userapi.server.internal;

import dev.userapi.core.UserEvent;
import dev.userapi.core.UserService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;

/**
 * Reactive Streams TCK (run by the TestNG engine) for the watch publisher of {@link
 * OffloadedWatchService}, whose signals reach the subscriber through a worker pool, over an
 * upstream that ends after the given events or fails at once.
 */
public class OffloadedWatchServiceTckTest extends FlowPublisherVerification<UserEvent> {
  private final ExecutorService workers =
      Executors.newFixedThreadPool(4, new NamedThreads("tck-offload"));

  public OffloadedWatchServiceTckTest() {
    // Timeouts well above the TCK's default: the build shares two cores with others.
    super(new TestEnvironment(2_000, 200), 2_000);
  }

  @AfterClass
  public void stopWorkers() {
    workers.shutdownNow();
  }

  @Override
  public Flow.Publisher<UserEvent> createFlowPublisher(long elements) {
    return new OffloadedWatchService(WatchEvents.thatEndAfter(elements), workers)
        .watch(UserService.WATCH_FROM_NOW);
  }

  @Override
  public Flow.Publisher<UserEvent> createFailedFlowPublisher() {
    return new OffloadedWatchService(WatchEvents.thatFail(), workers)
        .watch(UserService.WATCH_FROM_NOW);
  }
}
