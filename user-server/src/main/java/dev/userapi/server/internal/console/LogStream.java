package dev.userapi.server.internal.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * One client's view of the request log, as Server-Sent Events: the entries the tail still holds,
 * then each new one. Entries arrive on the thread that served a request (a selector thread, an
 * event loop), so they are only queued there; a worker writes them. A client that reads slower than
 * the server serves loses entries beyond {@value #MAX_QUEUED} queued ones (a comment says how many)
 * rather than holding memory or a thread. A failed write (the client left) ends the stream.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
final class LogStream implements Consumer<RequestTail.Entry> {
  static final int MAX_QUEUED = 1000;

  private final SseEventSink sink;
  private final Sse sse;
  private final ObjectMapper json;
  private final Executor writer;
  private final Runnable onClose;
  private final ArrayDeque<Object> queue = new ArrayDeque<>(); // guarded by this
  private boolean started; // guarded by this
  private boolean draining; // guarded by this
  private boolean closed; // guarded by this
  private long dropped; // guarded by this
  private volatile ScheduledFuture<?> heartbeat;

  LogStream(SseEventSink sink, Sse sse, ObjectMapper json, Executor writer, Runnable onClose) {
    this.sink = sink;
    this.sse = sse;
    this.json = json;
    this.writer = writer;
    this.onClose = onClose;
  }

  @Override
  public void accept(RequestTail.Entry entry) {
    enqueue(entry);
  }

  /**
   * Sends {@code history} first, then what arrived since the subscription (without the entries
   * {@code history} already holds).
   */
  void start(List<RequestTail.Entry> history) {
    synchronized (this) {
      Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      seen.addAll(history);
      ArrayDeque<Object> live = new ArrayDeque<>(queue);
      queue.clear();
      queue.addAll(history);
      live.stream().filter(e -> !seen.contains(e)).forEach(queue::add);
      started = true;
    }
    schedule();
  }

  void heartbeat(ScheduledFuture<?> heartbeat) {
    this.heartbeat = heartbeat;
    synchronized (this) {
      if (!closed) {
        return;
      }
    }
    heartbeat.cancel(false);
  }

  /** Queues an SSE comment, which finds a client that left without waiting for a request. */
  void ping() {
    enqueue(Ping.INSTANCE);
  }

  private void enqueue(Object item) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (queue.size() >= MAX_QUEUED) {
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
          send(
              sse.newEventBuilder().comment(lost + " entries dropped: reading too slowly").build());
        }
        send(
            item instanceof RequestTail.Entry entry
                ? sse.newEventBuilder().name("request").data(String.class, toJson(entry)).build()
                : sse.newEventBuilder().comment("").build());
      } catch (RuntimeException e) {
        close();
        return;
      }
    }
  }

  private void send(OutboundSseEvent event) {
    if (sink.isClosed()) {
      throw new IllegalStateException("the client left");
    }
    sink.send(event).toCompletableFuture().join();
  }

  private String toJson(RequestTail.Entry entry) {
    ObjectNode node = json.createObjectNode();
    node.put("time", Instant.ofEpochMilli(entry.epochMillis()).toString());
    node.put("protocol", entry.protocol());
    node.put("method", entry.method());
    node.put("target", entry.target());
    node.put("status", entry.status());
    node.put("micros", entry.micros());
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ends the stream; idempotent. */
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
    try {
      sink.close();
    } catch (IOException | RuntimeException e) {
      // already gone
    }
  }

  private enum Ping {
    INSTANCE
  }
}
