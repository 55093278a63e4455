package dev.userapi.server.web;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import dev.userapi.core.internal.IteratorPublisher;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store whose stream is {@code total} users generated one per request, counting how many it has
 * produced and noticing when its reader is closed: a huge table without the memory.
 */
final class GeneratedUsers extends ForwardingUserService {
  final AtomicLong emitted = new AtomicLong();
  final CountDownLatch closed = new CountDownLatch(1);
  private final long total;

  GeneratedUsers(long total) {
    super(DefaultUserService.inMemory());
    this.total = total;
  }

  @Override
  public Flow.Publisher<User> stream(UserFilter filter) {
    return new IteratorPublisher<>(Source::new);
  }

  private final class Source implements Iterator<User>, AutoCloseable {
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
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
          now,
          now,
          1);
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }
}
