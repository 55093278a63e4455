package dev.userapi.server.internal.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.userapi.load.CellResult;
import dev.userapi.load.LoadListener;
import dev.userapi.load.LoadProgress;
import dev.userapi.load.LoadReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark run as the console shows it: its state, its config, the results of the cells that
 * finished, and whoever watches it live. The load engine tells it about progress and results on the
 * engine's thread; they are handed to each watcher's {@link EventStream}, which writes them on a
 * worker.
 *
 * <p>Thread-safe (its state is guarded by the instance). Not API: used by userapi modules only.
 */
final class BenchmarkRun implements LoadListener {
  static final String NOTE = "in-process: the load generator shares this server's CPUs";

  enum State {
    RUNNING,
    DONE,
    FAILED,
    CANCELLED
  }

  private final String id;
  private final ObjectNode config;
  private final ObjectMapper json;
  private final Instant startedAt = Instant.now();
  private final List<CellResult> results = new ArrayList<>(); // guarded by this
  private final List<EventStream<EventStream.Event>> watchers =
      new ArrayList<>(); // guarded by this
  private State state = State.RUNNING; // guarded by this
  private Instant finishedAt; // guarded by this
  private String error; // guarded by this
  private Long deletedUsers; // guarded by this; null until the clean-up ran

  BenchmarkRun(String id, ObjectNode config, ObjectMapper json) {
    this.id = id;
    this.config = config;
    this.json = json;
  }

  String id() {
    return id;
  }

  synchronized boolean running() {
    return state == State.RUNNING;
  }

  @Override
  public void progress(LoadProgress p) {
    ObjectNode node = json.createObjectNode();
    node.put("protocol", p.protocol().wireName());
    node.put("workload", p.workload().wireName());
    node.put("phase", p.phase().wireName());
    node.put("elapsedSeconds", p.elapsedSeconds());
    node.put("ops", p.ops());
    node.put("opsPerSecond", p.opsPerSecond());
    broadcast(new EventStream.Event("progress", node.toString()));
  }

  @Override
  public void cellDone(CellResult result) {
    EventStream.Event event = new EventStream.Event("result", resultJson(result).toString());
    synchronized (this) {
      results.add(result);
    }
    broadcast(event);
  }

  private void broadcast(EventStream.Event event) {
    List<EventStream<EventStream.Event>> now;
    synchronized (this) {
      now = List.copyOf(watchers);
    }
    for (EventStream<EventStream.Event> watcher : now) {
      watcher.send(event);
    }
  }

  /** The run ended: records how, then sends {@code done} to every watcher, which ends them. */
  void finish(LoadReport report, Throwable failure, long deleted) {
    List<EventStream<EventStream.Event>> now;
    EventStream.Event done;
    synchronized (this) {
      if (failure != null) {
        state = State.FAILED;
        error = failure.getMessage() == null ? failure.toString() : failure.getMessage();
      } else {
        state = report.cancelled() ? State.CANCELLED : State.DONE;
      }
      finishedAt = Instant.now();
      deletedUsers = deleted;
      done = new EventStream.Event("done", toJson().toString());
      now = List.copyOf(watchers);
      watchers.clear();
    }
    for (EventStream<EventStream.Event> watcher : now) {
      watcher.sendLast(done);
    }
  }

  /**
   * Adds a watcher: it gets the results so far, then what comes; or {@code done} at once when the
   * run has ended.
   */
  void watch(EventStream<EventStream.Event> watcher) {
    List<EventStream.Event> history = new ArrayList<>();
    boolean ended;
    synchronized (this) {
      for (CellResult result : results) {
        history.add(new EventStream.Event("result", resultJson(result).toString()));
      }
      ended = state != State.RUNNING;
      if (!ended) {
        watchers.add(watcher);
      }
    }
    if (ended) {
      watcher.start(List.of());
      watcher.sendLast(new EventStream.Event("done", toJson().toString()));
    } else {
      watcher.start(history);
    }
  }

  synchronized void unwatch(EventStream<EventStream.Event> watcher) {
    watchers.remove(watcher);
  }

  /** The run as the API shows it. */
  synchronized ObjectNode toJson() {
    ObjectNode node = json.createObjectNode();
    node.put("id", id);
    node.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
    node.set("config", config.deepCopy());
    node.put("startedAt", startedAt.toString());
    if (finishedAt == null) {
      node.putNull("finishedAt");
    } else {
      node.put("finishedAt", finishedAt.toString());
    }
    if (error == null) {
      node.putNull("error");
    } else {
      node.put("error", error);
    }
    node.put("note", NOTE);
    var array = node.putArray("results");
    results.forEach(r -> array.add(resultJson(r)));
    if (deletedUsers == null) {
      node.putNull("deletedUsers");
    } else {
      node.put("deletedUsers", deletedUsers);
    }
    return node;
  }

  private ObjectNode resultJson(CellResult r) {
    ObjectNode node = json.createObjectNode();
    node.put("protocol", r.protocol().wireName());
    node.put("workload", r.workload().wireName());
    node.put("ops", r.ops());
    node.put("errors", r.errors());
    node.put("opsPerSecond", r.opsPerSecond());
    ObjectNode latency = node.putObject("latencyMicros");
    latency.put("p50", r.latencyMicros().p50());
    latency.put("p90", r.latencyMicros().p90());
    latency.put("p99", r.latencyMicros().p99());
    latency.put("p999", r.latencyMicros().p999());
    latency.put("max", r.latencyMicros().max());
    node.put("requestBytes", r.requestBytes());
    node.put("responseBytes", r.responseBytes());
    if (r.firstError() == null) {
      node.putNull("firstError");
    } else {
      node.put("firstError", r.firstError());
    }
    return node;
  }
}
