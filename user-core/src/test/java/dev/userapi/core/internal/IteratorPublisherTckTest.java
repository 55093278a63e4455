package dev.userapi.core.internal;

import java.util.concurrent.Flow;
import java.util.stream.LongStream;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/** Reactive Streams TCK (run by the TestNG engine) for {@link IteratorPublisher}. */
public class IteratorPublisherTckTest extends FlowPublisherVerification<Long> {
  public IteratorPublisherTckTest() {
    super(Tck.environment(), Tck.PUBLISHER_GC_TIMEOUT_MILLIS);
  }

  @Override
  public Flow.Publisher<Long> createFlowPublisher(long elements) {
    return new IteratorPublisher<>(() -> LongStream.range(0, elements).iterator());
  }

  @Override
  public Flow.Publisher<Long> createFailedFlowPublisher() {
    return new IteratorPublisher<Long>(
        () -> {
          throw new IllegalStateException("the source cannot be opened");
        });
  }
}
