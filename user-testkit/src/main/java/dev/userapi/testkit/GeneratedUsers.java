package dev.userapi.testkit;

import static org.awaitility.Awaitility.await;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import dev.userapi.core.internal.IteratorPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link dev.userapi.core.UserService} whose {@link #stream(UserFilter)} yields {@code total}
 * users made up one per request: a huge table without the memory, for flow-control tests of a
 * transport. It counts how many users it has produced and notices when its reader closes the
 * stream, so a test can check that a slow reader holds the producer back and that a reader who goes
 * away stops it. Every other operation goes to an empty in-memory store.
 *
 * <pre>{@code
 * GeneratedUsers store = new GeneratedUsers(1_000_000);
 * // serve it, open a stream through a client, read a few users and stop reading
 * long produced = store.awaitStall(Duration.ofSeconds(30)); // bounded by flow control, not by total
 * }</pre>
 *
 * <p>Thread-safe. Each stream starts again from the first user.
 *
 * @since 0.1.0
 */
public final class GeneratedUsers extends ForwardingUserService {
  private static final Instant STAMP = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration STALL_POLL = Duration.ofMillis(200);

  private final AtomicLong emitted = new AtomicLong();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final long total;

  /**
   * A store whose streams each yield {@code total} users.
   *
   * @param total how many users one stream yields; {@link Long#MAX_VALUE} for a stream without end
   */
  public GeneratedUsers(long total) {
    super(DefaultUserService.inMemory());
    if (total < 0) {
      throw new IllegalArgumentException("total must be >= 0, was " + total);
    }
    this.total = total;
  }

  @Override
  public Flow.Publisher<User> stream(UserFilter filter) {
    return new IteratorPublisher<>(Source::new);
  }

  /** How many users the streams have produced so far, across all of them. */
  public long emitted() {
    return emitted.get();
  }

  /**
   * Waits until a stream's reader has closed it (cancelled, or the transport gave up on it).
   *
   * @return whether it was closed within {@code timeout}
   */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits until the producer stops: the count of produced users stays the same across one poll
   * interval (200 ms), as it does once flow control holds it back or the streams are done.
   *
   * @param atMost how long to wait before failing with Awaitility's {@code
   *     ConditionTimeoutException}
   * @return the count it stopped at
   */
  public long awaitStall(Duration atMost) {
    long[] last = {-1};
    await()
        .atMost(atMost)
        .pollInterval(STALL_POLL)
        .until(
            () -> {
              long now = emitted.get();
              boolean still = now == last[0];
              last[0] = now;
              return still;
            });
    return last[0];
  }

  private final class Source implements Iterator<User>, AutoCloseable {
    private long next;

    @Override
    public boolean hasNext() {
      return next < total;
    }

    @Override
    public User next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      long n = next++;
      emitted.incrementAndGet();
      return new User(
          new UUID(0x0189_0000_0000_7000L, 0x8000_0000_0000_0000L | n).toString(),
          "User " + n,
          "user" + n + "@example.com",
          OptionalInt.of((int) (n % 100)),
          STAMP,
          STAMP,
          1);
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }
}
