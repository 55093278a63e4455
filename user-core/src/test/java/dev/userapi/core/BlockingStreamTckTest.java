package dev.userapi.core;

import dev.userapi.core.internal.Tck;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;

/**
 * Reactive Streams TCK (run by the TestNG engine) for {@link BlockingStream} as a subscriber.
 * Blackbox: its subscriber is private, so no probe can be hooked in without a production seam.
 */
public class BlockingStreamTckTest extends FlowSubscriberBlackboxVerification<Integer> {
  private static final int PREFETCH = 4;

  public BlockingStreamTckTest() {
    super(Tck.environment());
  }

  @Override
  public Flow.Subscriber<Integer> createFlowSubscriber() {
    // The TCK drives the subscriber itself: capture the one BlockingStream subscribes with.
    AtomicReference<Flow.Subscriber<? super Integer>> subscriber = new AtomicReference<>();
    Flow.Publisher<Integer> capturing = subscriber::set;
    BlockingStream.of(capturing, PREFETCH);
    @SuppressWarnings("unchecked")
    Flow.Subscriber<Integer> captured = (Flow.Subscriber<Integer>) subscriber.get();
    return captured;
  }

  @Override
  public Integer createElement(int element) {
    return element;
  }
}
