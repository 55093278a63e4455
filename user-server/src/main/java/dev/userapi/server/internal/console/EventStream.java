package dev.userapi.server.internal.console;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One client's Server-Sent Events stream of the console (the request log, a benchmark run's
 * progress). Items arrive on whatever thread produced them — a selector thread or an event loop
 * that served a request, the load engine's thread — so they are only queued there; a worker formats
 * and writes them, one drain at a time. A client that reads slower than items come loses those
 * beyond {@value #MAX_QUEUED} queued ones (a comment then says how many) rather than holding memory
 * or a thread. A failed write (the client left) ends the stream, and so does {@link #close()}.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 *
 * @param <T> what the stream carries; {@code format} turns each into an event
 */
final class EventStream<T> {
  static final int MAX_QUEUED = 1000;
  static final long SETTLE_MILLIS = 100;

  /** One SSE event: {@code event: name} and {@code data: data}. */
  record Event(String name, String data) {}

  private final SseEventSink sink;
  private final Sse sse;
  private final Function<T, Event> format;
  private final Executor writer;
  private final Runnable onClose;
  private final ScheduledExecutorService timer;
  private final long openedNanos = System.nanoTime();
  private final ArrayDeque<Object> queue = new ArrayDeque<>(); // guarded by this
  private boolean started; // guarded by this
  private boolean draining; // guarded by this
  private boolean closed; // guarded by this
  private long dropped; // guarded by this
  private volatile ScheduledFuture<?> heartbeat;

  /**
   * @param writer runs the drains (the REST workers)
   * @param timer closes a stream that ends at once a moment later (see {@link #close()})
   * @param onClose run once when the stream ends, whoever ends it
   */
  EventStream(
      SseEventSink sink,
      Sse sse,
      Function<T, Event> format,
      Executor writer,
      ScheduledExecutorService timer,
      Runnable onClose) {
    this.sink = sink;
    this.sse = sse;
    this.format = format;
    this.writer = writer;
    this.timer = timer;
    this.onClose = onClose;
  }

  /** Queues {@code item}; held back until {@link #start} when that has not come yet. */
  void send(T item) {
    enqueue(item, false);
  }

  /** Queues {@code item} as the stream's last: once written, the stream ends. Never dropped. */
  void sendLast(T item) {
    enqueue(new Last(item), true);
  }

  /**
   * Sends {@code history} first, then what was queued since the stream was made, without the items
   * {@code history} already holds (by identity).
   */
  void start(List<T> history) {
    synchronized (this) {
      Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      seen.addAll(history);
      ArrayDeque<Object> live = new ArrayDeque<>(queue);
      queue.clear();
      queue.addAll(history);
      for (Object item : live) {
        if (!seen.contains(item)) {
          queue.add(item);
        }
      }
      started = true;
    }
    schedule();
  }

  /** The heartbeat task of this stream, cancelled when it ends. */
  void heartbeat(ScheduledFuture<?> heartbeat) {
    this.heartbeat = heartbeat;
    synchronized (this) {
      if (!closed) {
        return;
      }
    }
    heartbeat.cancel(false);
  }

  /** Queues an SSE comment, which finds a client that left without waiting for an item. */
  void ping() {
    enqueue(Ping.INSTANCE, false);
  }

  private void enqueue(Object item, boolean always) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (!always && queue.size() >= MAX_QUEUED) {
        dropped++;
        return;
      }
      queue.add(item);
      if (!started) {
        return;
      }
    }
    schedule();
  }

  private void schedule() {
    synchronized (this) {
      if (draining || closed || queue.isEmpty()) {
        return;
      }
      draining = true;
    }
    try {
      writer.execute(this::drain);
    } catch (RuntimeException rejected) { // the server is stopping
      close();
    }
  }

  @SuppressWarnings("unchecked")
  private void drain() {
    while (true) {
      Object item;
      long lost;
      synchronized (this) {
        item = queue.poll();
        lost = dropped;
        dropped = 0;
        if (item == null || closed) {
          draining = false;
          return;
        }
      }
      try {
        if (lost > 0) {
          write(
              sse.newEventBuilder().comment(lost + " events dropped: reading too slowly").build());
        }
        if (item instanceof Ping) {
          write(sse.newEventBuilder().comment("").build());
        } else if (item instanceof Last last) {
          write(event(format.apply((T) last.item())));
          close();
          return;
        } else {
          write(event(format.apply((T) item)));
        }
      } catch (RuntimeException e) {
        close();
        return;
      }
    }
  }

  private OutboundSseEvent event(Event event) {
    return sse.newEventBuilder().name(event.name()).data(String.class, event.data()).build();
  }

  private void write(OutboundSseEvent event) {
    if (sink.isClosed()) {
      throw new IllegalStateException("the client left");
    }
    sink.send(event).toCompletableFuture().join();
  }

  /**
   * Ends the stream; idempotent. A stream younger than {@value #SETTLE_MILLIS} ms has its sink
   * closed when it reaches that age: an event stream that Jersey finishes while its request is
   * still in Grizzly's handler (a client that leaves at once, a benchmark run that has already
   * ended) has its response recycled under that handler, which then fails with a
   * NullPointerException. Nothing more is written meanwhile.
   */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
    }
    ScheduledFuture<?> beat = heartbeat;
    if (beat != null) {
      beat.cancel(false);
    }
    onClose.run();
    long age = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos);
    if (age < SETTLE_MILLIS) {
      try {
        timer.schedule(this::closeSink, SETTLE_MILLIS - age, TimeUnit.MILLISECONDS);
        return;
      } catch (RejectedExecutionException stopping) {
        // the server is stopping: close now
      }
    }
    closeSink();
  }

  private void closeSink() {
    try {
      sink.close();
    } catch (IOException | RuntimeException e) {
      // already gone
    }
  }

  private record Last(Object item) {}

  private enum Ping {
    INSTANCE
  }
}
