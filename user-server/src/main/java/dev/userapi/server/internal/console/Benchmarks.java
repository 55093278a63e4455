package dev.userapi.server.internal.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.BlockingStream;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserService;
import dev.userapi.load.LoadPlan;
import dev.userapi.load.LoadReport;
import dev.userapi.load.LoadRun;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark runs of one server: at most one going at a time (another is CONFLICT, 409), the
 * last {@value #KEPT} kept until the server stops. A run is the load engine ({@link LoadRun})
 * pointed at this server's own listeners with the caller's token; when it ends, the users it
 * created (every one carries the run's email domain) are deleted through the server's service, and
 * the run says how many. The drain cancels a run that is going.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
final class Benchmarks {
  private static final Logger log = LoggerFactory.getLogger(Benchmarks.class);
  static final int KEPT = 20;

  private final UserService users;
  private final ObjectMapper json;
  private final ArrayDeque<BenchmarkRun> runs = new ArrayDeque<>(); // guarded by this, newest first
  private long lastId; // guarded by this
  private BenchmarkRun current; // guarded by this
  private LoadRun currentLoad; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param users the service whose users the runs create and this deletes afterwards: the store
   *     behind the server, so that the clean-up still works while the server drains
   */
  Benchmarks(UserService users, ObjectMapper json) {
    this.users = users;
    this.json = json;
  }

  /**
   * Starts a run of {@code request} against {@code rest} and gRPC at {@code grpcHost:grpcPort}.
   *
   * @throws UserException ALREADY_EXISTS (409) while a run is going, UNAVAILABLE while draining,
   *     INVALID_ARGUMENT when the engine refuses the plan
   */
  BenchmarkRun start(
      BenchmarkRequest request, URI rest, String grpcHost, int grpcPort, String token) {
    LoadPlan plan;
    try {
      plan =
          LoadPlan.builder()
              .rest(rest)
              .grpc(grpcHost, grpcPort)
              .token(token)
              .workloads(request.workloads())
              .protocols(request.protocols())
              .concurrency(request.concurrency())
              .duration(Duration.ofSeconds(request.durationSeconds()))
              .warmup(Duration.ofSeconds(request.warmupSeconds()))
              .gzip(request.gzip())
              .build();
    } catch (IllegalArgumentException e) {
      throw UserException.invalidArgument("body", e.getMessage());
    }
    BenchmarkRun run;
    synchronized (this) {
      if (closed) {
        throw new UserException(ErrorCode.UNAVAILABLE, "the server is shutting down");
      }
      if (current != null) {
        throw new UserException(
            ErrorCode.ALREADY_EXISTS,
            "benchmark run " + current.id() + " is going; one run at a time");
      }
      run = new BenchmarkRun(Long.toString(++lastId), request.toJson(json), json);
      LoadRun load = LoadRun.start(plan, run);
      current = run;
      currentLoad = load;
      runs.addFirst(run);
      while (runs.size() > KEPT) {
        runs.removeLast();
      }
      load.completion().whenComplete((report, failure) -> finished(run, load, report, failure));
    }
    log.info(
        "benchmark run {} started: {} cells, {} s at least",
        run.id(),
        plan.cells(),
        plan.totalTime().toSeconds());
    return run;
  }

  private void finished(BenchmarkRun run, LoadRun load, LoadReport report, Throwable failure) {
    long deleted = deleteUsersOf(load.createdDomain());
    run.finish(report, failure, deleted);
    synchronized (this) {
      if (current == run) {
        current = null;
        currentLoad = null;
      }
    }
    log.info("benchmark run {} ended; {} users it created deleted", run.id(), deleted);
  }

  /** Deletes every user whose email is at {@code domain}; returns how many. */
  private long deleteUsersOf(String domain) {
    String suffix = "@" + domain.toLowerCase(Locale.ROOT);
    List<String> ids = new ArrayList<>();
    try (BlockingStream<User> all = BlockingStream.of(users.stream(UserFilter.all()))) {
      while (all.hasNext()) {
        User user = all.next();
        if (user.email().toLowerCase(Locale.ROOT).endsWith(suffix)) {
          ids.add(user.id());
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not list the users a benchmark run created: {}", e.toString());
    }
    long deleted = 0;
    for (String id : ids) {
      try {
        users.delete(id, null);
        deleted++;
      } catch (RuntimeException e) {
        log.warn("could not delete a user a benchmark run created: {}", e.toString());
      }
    }
    return deleted;
  }

  synchronized List<BenchmarkRun> list() {
    return List.copyOf(runs);
  }

  /** The run {@code id}; NOT_FOUND when there is none (or it is no longer kept). */
  synchronized BenchmarkRun get(String id) {
    for (BenchmarkRun run : runs) {
      if (run.id().equals(id)) {
        return run;
      }
    }
    throw new UserException(ErrorCode.NOT_FOUND, "no benchmark run " + id);
  }

  /** Cancels the run that is going, if any, and refuses new ones: the server drains. */
  void close() {
    LoadRun load;
    synchronized (this) {
      closed = true;
      load = currentLoad;
    }
    if (load != null) {
      load.cancel();
    }
  }
}
