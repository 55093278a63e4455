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
 * runtime exceptions as they are, checked ones wrapped in an INTERNAL {@link UserException}. To
 * wait a bounded time, {@link #awaitNext(Duration)} says whether a signal is ready without
 * throwing; {@link #hasNext(Duration)} throws DEADLINE_EXCEEDED instead.
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
   * <p>A timeout is reported the same way as a publisher that itself failed with DEADLINE_EXCEEDED
   * (an upstream deadline), so a caller cannot tell the two apart from the exception; use {@link
   * #awaitNext(Duration)} to wait without that ambiguity.
   *
   * @param timeout how long to wait for an item or the end of the stream
   * @return whether an item is ready ({@code false} at the end of the stream)
   * @throws UserException DEADLINE_EXCEEDED when nothing arrived in time, or the error that ended
   *     the stream
   */
  public boolean hasNext(Duration timeout) {
    if (!awaitNext(timeout)) {
      throw new UserException(
          ErrorCode.DEADLINE_EXCEEDED, "no item within " + timeout.toMillis() + " ms");
    }
    return checkHead();
  }

  /**
   * Waits at most {@code timeout} for the stream's next signal (an item, its end or its error)
   * without consuming it and without throwing on a timeout. When this returns {@code true}, {@link
   * #hasNext()} answers without blocking: {@code true} for an item, {@code false} at the end, or it
   * throws the error that ended the stream. When it returns {@code false}, nothing arrived in time
   * and the stream is unchanged; call it again or block in {@link #hasNext()}.
   *
   * <pre>{@code
   * if (!users.awaitNext(Duration.ZERO)) {
   *   out.flush(); // nothing ready: send what is written before blocking
   * }
   * while (users.hasNext()) { ... }
   * }</pre>
   *
   * @param timeout how long to wait; zero or negative only looks
   * @return whether a signal is ready
   * @throws UserException UNAVAILABLE when the thread is interrupted while waiting (the stream is
   *     then closed); never DEADLINE_EXCEEDED, and never the stream's own error
   */
  public boolean awaitNext(Duration timeout) {
    requireNonNull(timeout, "timeout");
    if (head == null) {
      try {
        head = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new UserException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the stream");
      }
    }
    return head != null;
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
