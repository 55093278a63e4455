package dev.userapi.core.internal;

import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * Reactive Streams TCK (run by the TestNG engine) for the watcher publisher of {@link EventLog}: a
 * log holding {@code elements} events, watched from the start.
 */
public class EventLogWatchTckTest extends FlowPublisherVerification<UserEvent> {
  /** Larger than any finite count the TCK asks for, so no watcher falls behind the ring. */
  private static final int CAPACITY = 1024;

  public EventLogWatchTckTest() {
    super(Tck.environment(), Tck.PUBLISHER_GC_TIMEOUT_MILLIS);
  }

  @Override
  public Flow.Publisher<UserEvent> createFlowPublisher(long elements) {
    EventLog log = new EventLog(CAPACITY);
    // A watch never ends, so "elements" only bounds what is there to replay; the TCK asks for up to
    // Integer.MAX_VALUE in rule 3.17's cases, which want demand handling, not that many events.
    for (long i = 0; i < Math.min(elements, CAPACITY); i++) {
      log.append(event(log.nextSequence()));
    }
    return log.publisher(0);
  }

  @Override
  public Flow.Publisher<UserEvent> createFailedFlowPublisher() {
    // Ahead of the newest event: rejected with INVALID_ARGUMENT right after onSubscribe.
    return new EventLog(CAPACITY).publisher(5);
  }

  /**
   * A watch never completes: this tells the TCK so, and it skips the cases that need onComplete
   * (the exact-count and terminal-state cases of rules 1.2, 1.3, 1.4/1.5, 1.7, 3.6). See EventLog's
   * javadoc.
   */
  @Override
  public long maxElementsFromPublisher() {
    return publisherUnableToSignalOnComplete();
  }

  static UserEvent event(long sequence) {
    Instant now = Instant.EPOCH;
    User user =
        new User(
            "u" + sequence,
            "User " + sequence,
            "u" + sequence + "@example.com",
            OptionalInt.empty(),
            now,
            now,
            1);
    return new UserEvent(sequence, UserEvent.Type.CREATED, user);
  }
}
