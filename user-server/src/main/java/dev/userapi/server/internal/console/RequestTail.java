package dev.userapi.server.internal.console;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The last {@value #CAPACITY} requests the server served, over REST and gRPC, and whoever watches
 * them live. Recording is one small object and two atomic writes; listeners are called on the
 * recording thread and must hand off at once (see {@link EventStream}).
 *
 * <p>An entry holds no personal data: the REST target is the matched path template ({@code
 * /api/users/{id}}), never the path as sent or its query; the gRPC target is the method name.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
final class RequestTail {
  static final int CAPACITY = 200;

  /** One served request. {@code status} is the HTTP status or the gRPC code's name. */
  record Entry(
      long epochMillis,
      String protocol,
      String method,
      String target,
      String status,
      long micros) {}

  private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(CAPACITY);
  private final AtomicLong next = new AtomicLong();
  private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();

  void record(Entry entry) {
    long slot = next.getAndIncrement();
    ring.set((int) (slot % CAPACITY), entry);
    if (!listeners.isEmpty()) {
      for (Consumer<Entry> listener : listeners) {
        listener.accept(entry);
      }
    }
  }

  /**
   * The entries still held, oldest first, and from then on every new one to {@code listener}. An
   * entry recorded while this runs may reach the listener twice or be missing from the snapshot but
   * in the stream; none is lost.
   */
  List<Entry> subscribe(Consumer<Entry> listener) {
    listeners.add(listener);
    long end = next.get();
    List<Entry> snapshot = new ArrayList<>();
    for (long i = Math.max(0, end - CAPACITY); i < end; i++) {
      Entry entry = ring.get((int) (i % CAPACITY));
      if (entry != null) {
        snapshot.add(entry);
      }
    }
    return snapshot;
  }

  void unsubscribe(Consumer<Entry> listener) {
    listeners.remove(listener);
  }

  int listeners() {
    return listeners.size();
  }
}
