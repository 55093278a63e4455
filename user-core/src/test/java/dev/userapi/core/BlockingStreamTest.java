package dev.userapi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userapi.core.internal.IteratorPublisher;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BlockingStreamTest {

  /** An endless source that counts how many items were pulled from it. */
  private static final class Counting implements Iterator<Long> {
    final AtomicLong pulled = new AtomicLong();

    @Override
    public boolean hasNext() {
      return true;
    }

    @Override
    public Long next() {
      return pulled.incrementAndGet();
    }
  }

  @Test
  void slowReaderKeepsAtMostPrefetchItemsInFlight() {
    Counting source = new Counting();
    try (BlockingStream<Long> stream =
        BlockingStream.of(new IteratorPublisher<>(() -> source), 8)) {
      for (int i = 0; i < 1_000; i++) {
        stream.next();
        assertThat(source.pulled.get() - (i + 1)).isLessThanOrEqualTo(8);
      }
    }
  }

  @Test
  void closingCancelsAndStopsPullingFromTheSource() {
    Counting source = new Counting();
    BlockingStream<Long> stream = BlockingStream.of(new IteratorPublisher<>(() -> source), 4);
    stream.next();
    stream.close();
    long pulledAtClose = source.pulled.get();

    assertThat(pulledAtClose).isLessThanOrEqualTo(5);
    assertThat(source.pulled.get()).isEqualTo(pulledAtClose);
  }

  @Test
  void publisherErrorIsRethrownToTheReader() {
    Flow.Publisher<String> failing =
        new IteratorPublisher<>(
            () -> {
              throw UserException.notFound("x");
            });

    assertThatThrownBy(() -> BlockingStream.toList(failing))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void hasNextWithTimeoutSaysDeadlineExceededAndCanBeRetried() throws Exception {
    try (SubmissionPublisher<String> publisher = new SubmissionPublisher<>();
        BlockingStream<String> stream = BlockingStream.of(publisher)) {
      assertThatThrownBy(() -> stream.hasNext(Duration.ofMillis(20)))
          .isInstanceOfSatisfying(
              UserException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));

      publisher.submit("late");
      assertThat(stream.hasNext(Duration.ofSeconds(10))).isTrue();
      assertThat(stream.next()).isEqualTo("late");
    }
  }

  @Test
  void awaitNextSaysFalseWhenNothingArrivedAndLeavesTheStreamUnchanged() throws Exception {
    try (SubmissionPublisher<String> publisher = new SubmissionPublisher<>();
        BlockingStream<String> stream = BlockingStream.of(publisher)) {
      assertThat(stream.awaitNext(Duration.ZERO)).isFalse();
      assertThat(stream.awaitNext(Duration.ofMillis(20))).isFalse();

      publisher.submit("late");
      assertThat(stream.awaitNext(Duration.ofSeconds(10))).isTrue();
      assertThat(stream.awaitNext(Duration.ZERO)).isTrue();
      assertThat(stream.next()).isEqualTo("late");
    }
  }

  @Test
  void awaitNextSaysTrueAtTheEndOfTheStreamAndHasNextThenSaysFalse() {
    try (BlockingStream<String> stream =
        BlockingStream.of(new IteratorPublisher<>(() -> List.<String>of().iterator()))) {
      assertThat(stream.awaitNext(Duration.ofSeconds(10))).isTrue();
      assertThat(stream.hasNext()).isFalse();
    }
  }

  @Test
  void awaitNextLeavesAnUpstreamDeadlineToHasNext() {
    Flow.Publisher<String> timedOut =
        new IteratorPublisher<>(
            () -> {
              throw new UserException(ErrorCode.DEADLINE_EXCEEDED, "upstream deadline");
            });
    try (BlockingStream<String> stream = BlockingStream.of(timedOut)) {
      assertThat(stream.awaitNext(Duration.ofSeconds(10))).isTrue();
      assertThatThrownBy(stream::hasNext)
          .isInstanceOfSatisfying(
              UserException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
                assertThat(e.getMessage()).isEqualTo("upstream deadline");
              });
    }
  }
}
