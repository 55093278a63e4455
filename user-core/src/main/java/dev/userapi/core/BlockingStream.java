package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Pulls from a {@link Flow.Publisher} as a blocking iterator, with bounded memory: it never has
 * more than {@code prefetch} items requested and not yet consumed, so a slow reader slows the
 * publisher. {@link #close()} cancels the subscription, which stops the work behind it.
 *
 * <pre>{@code
 * try (BlockingStream<User> users = BlockingStream.of(service.stream(UserFilter.all()))) {
 *   while (users.hasNext()) {
 *     System.out.println(users.next().name());
 *   }
 * }
 * }</pre>
 *
 * <p>Errors signalled by the publisher are rethrown from {@link #hasNext()} / {@link #next()}:
 * runtime exceptions as they are, checked ones wrapped in an INTERNAL {@link UserException}.
 *
 * <p>One thread reads a stream; {@link #close()} may be called from any thread.
 *
 * @param <T> the item type
 * @since 0.1.0
 */
public final class BlockingStream<T> implements Iterator<T>, AutoCloseable {
  private static final int DEFAULT_PREFETCH = 64;
  private static final Object COMPLETE = new Object();

  private final int prefetch;
  private final int refillAt;
  private final BlockingQueue<Object> queue;
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private Object head;
  private int consumedSinceRequest;

  private BlockingStream(int prefetch) {
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch: " + prefetch + " (expected: >= 1)");
    }
    this.prefetch = prefetch;
    this.refillAt = Math.max(1, prefetch / 2);
    // +1 for the terminal signal, which may arrive while the queue is full of items.
    this.queue = new ArrayBlockingQueue<>(prefetch + 1);
  }

  /**
   * Subscribes to {@code publisher} with the default prefetch (64).
   *
   * @param publisher the stream to read; subscribed to at once
   * @param <T> the item type
   * @return an open iterator over the stream; close it to cancel the subscription
   */
  public static <T> BlockingStream<T> of(Flow.Publisher<T> publisher) {
    return of(publisher, DEFAULT_PREFETCH);
  }

  /**
   * Subscribes to {@code publisher}, keeping at most {@code prefetch} items requested ahead.
   *
   * @param publisher the stream to read; subscribed to at once
   * @param prefetch the most items buffered or requested ahead, at least 1
   * @param <T> the item type
   * @return an open iterator over the stream; close it to cancel the subscription
   * @throws IllegalArgumentException when {@code prefetch} is below 1
   */
  public static <T> BlockingStream<T> of(Flow.Publisher<T> publisher, int prefetch) {
    requireNonNull(publisher, "publisher");
    BlockingStream<T> stream = new BlockingStream<>(prefetch);
    publisher.subscribe(stream.new Subscriber());
    return stream;
  }

  /**
   * Reads {@code publisher} to the end and returns every item. Only for finite streams: on a {@code
   * watch} publisher it never returns.
   *
   * @param publisher the stream to read
   * @param <T> the item type
   * @return every item in arrival order
   * @throws RuntimeException the error that ended the stream, as signalled (usually a {@link
   *     UserException}; a checked exception is wrapped in a UserException INTERNAL)
   */
  public static <T> List<T> toList(Flow.Publisher<T> publisher) {
    List<T> items = new ArrayList<>();
    try (BlockingStream<T> stream = of(publisher)) {
      stream.forEachRemaining(items::add);
    }
    return items;
  }

  @Override
  public boolean hasNext() {
    if (head == null) {
      try {
        head = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new UserException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the stream");
      }
    }
    return checkHead();
  }

  /**
   * Waits at most {@code timeout} for the next item.
   *
   * @param timeout how long to wait for an item or the end of the stream
   * @return whether an item is ready ({@code false} at the end of the stream)
   * @throws UserException DEADLINE_EXCEEDED when nothing arrived in time
   */
  public boolean hasNext(Duration timeout) {
    if (head == null) {
      try {
        head = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new UserException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the stream");
      }
      if (head == null) {
        throw new UserException(
            ErrorCode.DEADLINE_EXCEEDED, "no item within " + timeout.toMillis() + " ms");
      }
    }
    return checkHead();
  }

  private boolean checkHead() {
    if (head == COMPLETE) {
      return false;
    }
    if (head instanceof Signal.Failure failure) {
      Throwable error = failure.error();
      if (error instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (error instanceof Error fatal) {
        throw fatal;
      }
      throw new UserException(ErrorCode.INTERNAL, "stream failed", List.of(), error);
    }
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T item = ((Signal.Item<T>) head).value();
    head = null;
    if (++consumedSinceRequest >= refillAt) {
      int n = consumedSinceRequest;
      consumedSinceRequest = 0;
      subscription.request(n);
    }
    return item;
  }

  /** Cancels the subscription; further reads see the end of the stream or what was queued. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    queue.clear();
    queue.offer(COMPLETE);
  }

  private sealed interface Signal {
    record Item<T>(T value) implements Signal {}

    record Failure(Throwable error) implements Signal {}
  }

  private final class Subscriber implements Flow.Subscriber<T> {
    @Override
    public void onSubscribe(Flow.Subscription s) {
      requireNonNull(s, "subscription"); // Reactive Streams rule 2.13
      if (subscription != null) {
        // Rule 2.5: subscribed once only; a second subscription is refused, not requested from.
        s.cancel();
        return;
      }
      subscription = s;
      if (closed) {
        s.cancel();
        return;
      }
      s.request(prefetch);
    }

    @Override
    public void onNext(T item) {
      requireNonNull(item, "item"); // rule 2.13
      if (!closed && !queue.offer(new Signal.Item<>(item))) {
        // Only a publisher that ignores demand gets here.
        onError(new IllegalStateException("publisher sent more items than requested"));
      }
    }

    @Override
    public void onError(Throwable error) {
      requireNonNull(error, "error"); // rule 2.13
      if (!closed) {
        queue.offer(new Signal.Failure(error));
      }
    }

    @Override
    public void onComplete() {
      if (!closed) {
        queue.offer(COMPLETE);
      }
    }
  }
}
