package dev.userapi.server.internal;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserService;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service as the REST side sees it: watches deliver their events on the worker pool instead of
 * on the thread that made the change.
 *
 * <p>The in-memory store signals watchers on the writer's thread, and with the no-thread-hop design
 * that thread is a Grizzly selector or a Netty event loop. A gRPC watch only queues the message
 * there, but an SSE watch writes to its connection, and a watcher that stops reading would block
 * that write once Grizzly's write queue is full: one slow browser tab would stall every connection
 * on the writer's selector or event loop. So signals that arrive on a foreign thread are handed, in
 * order, to the worker pool.
 *
 * <p>Signals that arrive while the watch is being opened (inside {@code subscribe} and the first
 * {@code request}, on the worker serving the watch request) are delivered right there, so that a
 * watch the service refuses at once still gets an HTTP error status instead of an SSE error event.
 *
 * <p>Thread-safe. Not API: used by the example server only.
 */
public final class OffloadedWatchService extends ForwardingUserService {
  private static final Logger log = LoggerFactory.getLogger(OffloadedWatchService.class);
  private final Executor executor;

  public OffloadedWatchService(UserService delegate, Executor executor) {
    super(delegate);
    this.executor = requireNonNull(executor, "executor");
  }

  @Override
  public Flow.Publisher<UserEvent> watch(long afterSequence) {
    Flow.Publisher<UserEvent> upstream = super.watch(afterSequence);
    return subscriber -> {
      requireNonNull(subscriber, "subscriber");
      upstream.subscribe(new SerialSubscriber<>(subscriber, executor, Thread.currentThread()));
    };
  }

  /**
   * Queues signals and drains them one at a time, in order: on the opening thread while the watch
   * is being opened, on the executor otherwise. The drain loop is the usual work-in-progress
   * counter, so at most one thread signals downstream at any time.
   */
  private static final class SerialSubscriber<T> implements Flow.Subscriber<T>, Flow.Subscription {
    private final Flow.Subscriber<? super T> downstream;
    private final Executor executor;
    private final Queue<Runnable> signals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread opener;
    private volatile Flow.Subscription upstream;
    private boolean broken; // accessed by the draining thread only

    SerialSubscriber(Flow.Subscriber<? super T> downstream, Executor executor, Thread opener) {
      this.downstream = downstream;
      this.executor = executor;
      this.opener = opener;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      upstream = subscription;
      signal(() -> downstream.onSubscribe(this));
    }

    @Override
    public void onNext(T item) {
      signal(() -> downstream.onNext(item));
    }

    @Override
    public void onError(Throwable error) {
      signal(() -> downstream.onError(error));
    }

    @Override
    public void onComplete() {
      signal(downstream::onComplete);
    }

    @Override
    public void request(long n) {
      try {
        upstream.request(n);
      } finally {
        // The first request ends the opening: from now on signals go to the executor.
        if (opener == Thread.currentThread()) {
          opener = null;
        }
      }
    }

    @Override
    public void cancel() {
      opener = null;
      upstream.cancel();
    }

    private void signal(Runnable signal) {
      signals.add(signal);
      if (pending.getAndIncrement() != 0) {
        return; // the thread draining now delivers it
      }
      if (opener == Thread.currentThread()) {
        drain();
        return;
      }
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        drain(); // the server is stopping: deliver the last signals here
      }
    }

    /** A subscriber that throws is broken (Reactive Streams 2.13): cancel and drop the rest. */
    private void deliver(Runnable signal) {
      if (broken) {
        return;
      }
      try {
        signal.run();
      } catch (RuntimeException e) {
        broken = true;
        log.warn("a watch subscriber failed; cancelling the watch", e);
        Flow.Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
      }
    }

    private void drain() {
      int missed = 1;
      while (true) {
        for (Runnable signal = signals.poll(); signal != null; signal = signals.poll()) {
          deliver(signal);
        }
        missed = pending.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }
  }
}
