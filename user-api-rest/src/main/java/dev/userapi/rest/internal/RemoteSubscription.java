package dev.userapi.rest.internal;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription to a streamed HTTP response (NDJSON or SSE), read on a thread of the client's
 * executor so that neither {@code subscribe} nor {@code request} ever blocks the caller. The reader
 * opens the response on the first request, then reads an item only while there is demand, so TCP
 * flow control slows the server when the subscriber is slow. {@link #cancel()} closes the response
 * (on the executor: a blocked read may hold the stream's lock), which stops the server's work.
 *
 * <p>Sending the HTTP request on the first demand rather than at subscription is deliberate: a
 * subscriber that never requests costs no connection. So a refusal by the server (an invalid
 * filter, say) reaches the subscriber only after it requests; the Reactive Streams TCK cases for
 * rules 1.4 and 1.9, which subscribe without requesting, are skipped for this reason.
 *
 * <p>Not API: used by userapi modules only.
 *
 * @param <T> the item type
 */
public final class RemoteSubscription<T> implements Flow.Subscription, Runnable {
  private static final Logger log = LoggerFactory.getLogger(RemoteSubscription.class);

  /** Opens and reads one response. */
  public interface Source<T> extends AutoCloseable {
    /** Sends the request; throws UserException for an error status. */
    void open();

    /** Reads the next item, or returns null at the end of the stream. */
    T next() throws IOException;

    /** Releases the response; may be called from any thread, more than once. */
    @Override
    void close();
  }

  // Dropped on cancel (Reactive Streams rule 3.13): the reader may take a while to notice.
  private volatile Flow.Subscriber<? super T> subscriber;
  private final Source<T> source;
  private final Executor executor;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private long demand; // guarded by this
  private IllegalArgumentException badRequest; // guarded by this
  private volatile boolean subscribed;
  private volatile boolean cancelled;

  private RemoteSubscription(
      Flow.Subscriber<? super T> subscriber, Source<T> source, Executor executor) {
    this.subscriber = subscriber;
    this.source = source;
    this.executor = executor;
  }

  /**
   * Hands {@code subscriber} a subscription reading {@code source}. The reader starts only after
   * {@code onSubscribe} has returned, even when it requested from there, so that no {@code onNext}
   * overlaps {@code onSubscribe} (Reactive Streams rule 1.3).
   */
  public static <T> void subscribe(
      Flow.Subscriber<? super T> subscriber, Source<T> source, Executor executor) {
    RemoteSubscription<T> subscription = new RemoteSubscription<>(subscriber, source, executor);
    subscriber.onSubscribe(subscription);
    subscription.subscribed = true;
    subscription.startIfRequested();
  }

  @Override
  public void request(long n) {
    if (cancelled) {
      return;
    }
    if (n <= 0) {
      IllegalArgumentException error =
          new IllegalArgumentException("request: " + n + " (expected: > 0)");
      if (started.compareAndSet(false, true)) {
        // No reader thread, and none will start: this is the only signal.
        Flow.Subscriber<? super T> s = subscriber;
        cancel();
        s.onError(error);
        return;
      }
      synchronized (this) {
        // The reader signals it, after any onNext in progress (rule 1.3).
        badRequest = error;
        notifyAll();
      }
      return;
    }
    synchronized (this) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      notifyAll();
    }
    startIfRequested();
  }

  private void startIfRequested() {
    boolean requested;
    synchronized (this) {
      requested = demand > 0;
    }
    if (subscribed && requested && started.compareAndSet(false, true)) {
      executor.execute(this);
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    subscriber = null;
    synchronized (this) {
      notifyAll();
    }
    if (started.get()) {
      executor.execute(this::closeSource);
    } else {
      closeSource();
    }
  }

  @Override
  public void run() {
    try {
      source.open();
      while (awaitDemand()) {
        if (failedOnBadRequest()) {
          return;
        }
        T item = source.next();
        if (cancelled) {
          return;
        }
        if (item == null) {
          signal(s -> s.onComplete());
          return;
        }
        synchronized (this) {
          demand--;
        }
        signal(s -> s.onNext(item));
      }
    } catch (UserException e) {
      signalError(e);
    } catch (IOException | RuntimeException e) {
      signalError(
          new UserException(
              ErrorCode.UNAVAILABLE,
              "the stream from the server broke: " + e.getMessage(),
              List.of(),
              e));
    } finally {
      closeSource();
    }
  }

  private boolean failedOnBadRequest() {
    IllegalArgumentException error;
    synchronized (this) {
      error = badRequest;
    }
    if (error == null) {
      return false;
    }
    signal(s -> s.onError(error));
    cancelled = true;
    return true;
  }

  private boolean awaitDemand() {
    synchronized (this) {
      while (demand == 0 && !cancelled && badRequest == null) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          cancelled = true;
        }
      }
      return !cancelled;
    }
  }

  private void signalError(UserException e) {
    if (!cancelled) {
      signal(s -> s.onError(e));
    } else {
      log.debug("stream failed after cancellation", e);
    }
  }

  /** Signals the subscriber unless it cancelled meanwhile (and so was dropped). */
  private void signal(Consumer<Flow.Subscriber<? super T>> signal) {
    Flow.Subscriber<? super T> s = subscriber;
    if (s != null) {
      signal.accept(s);
    }
  }

  private void closeSource() {
    if (closed.compareAndSet(false, true)) {
      try {
        source.close();
      } catch (RuntimeException e) {
        log.debug("closing a stream failed", e);
      }
    }
  }
}
