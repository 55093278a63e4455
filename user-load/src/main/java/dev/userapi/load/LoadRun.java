package dev.userapi.load;

import dev.userapi.load.internal.GrpcLoad;
import dev.userapi.load.internal.H2Load;
import dev.userapi.load.internal.Measurement;
import dev.userapi.load.internal.Op;
import dev.userapi.load.internal.RestLoad;
import dev.userapi.load.internal.Runner;
import dev.userapi.load.internal.WebLoad;
import dev.userapi.load.internal.WireBytes;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * One run of a {@link LoadPlan}: its cells one after another (workloads in declaration order, each
 * over every protocol in declaration order) on a daemon thread of its own, each cell on {@code
 * concurrency} daemon worker threads. Before the first cell it seeds what the reads need (one user
 * for {@code get}, 50 for {@code list50}); every user it creates, seeds included, gets an email at
 * {@link #createdDomain()}, so the caller can delete them when the run ends.
 *
 * <p>Thread-safe: {@link #cancel()} and {@link #completion()} may be called from any thread.
 *
 * @since 0.1.0
 */
public final class LoadRun {
  private static final int SEEDS = 50;
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final LoadPlan plan;
  private final LoadListener listener;
  private final String domain;
  private final CompletableFuture<LoadReport> completion = new CompletableFuture<>();
  private volatile boolean cancelled;

  private LoadRun(LoadPlan plan, LoadListener listener) {
    this.plan = plan;
    this.listener = listener;
    byte[] random = new byte[5];
    new SecureRandom().nextBytes(random);
    this.domain = "load-" + HexFormat.of().formatHex(random) + ".example.com";
  }

  /**
   * Starts a run and returns at once.
   *
   * @param plan what to run
   * @param listener told about progress and finished cells, on the run's thread
   * @return the running run
   */
  public static LoadRun start(LoadPlan plan, LoadListener listener) {
    LoadRun run =
        new LoadRun(
            Objects.requireNonNull(plan, "plan"), Objects.requireNonNull(listener, "listener"));
    Thread thread = new Thread(run::runAll, "cli-load-run-" + RUNS.incrementAndGet());
    thread.setDaemon(true);
    thread.start();
    return run;
  }

  /**
   * Stops the run: the running cell ends within about a second (its workers finish their calls in
   * flight), no further cell starts, and {@link #completion()} completes with a report whose {@link
   * LoadReport#cancelled()} is true and that holds the cells finished before. Idempotent.
   */
  public void cancel() {
    cancelled = true;
  }

  /**
   * Completes with the report when the run ends (normally or cancelled), or exceptionally when it
   * cannot go on (a server that cannot be reached, a seed that cannot be created).
   *
   * @return a future of the report of its own (completing or cancelling it does not touch the run
   *     or other callers' futures)
   */
  public CompletableFuture<LoadReport> completion() {
    return completion.copy();
  }

  /**
   * The email domain of every user this run creates.
   *
   * @return e.g. {@code load-1a2b3c4d5e.example.com}
   */
  public String createdDomain() {
    return domain;
  }

  /**
   * The plan this run follows.
   *
   * @return the plan
   */
  public LoadPlan plan() {
    return plan;
  }

  private void runAll() {
    List<CellResult> results = new ArrayList<>();
    try (Targets targets = new Targets(plan, domain)) {
      targets.seed(plan.workloads());
      Runner runner = new Runner(plan.warmup(), plan.duration(), 0, false, false);
      for (Workload workload : plan.workloads()) {
        for (Protocol protocol : plan.protocols()) {
          if (cancelled) {
            break;
          }
          CellResult result = runCell(runner, targets, workload, protocol);
          if (result == null) {
            break;
          }
          results.add(result);
          try {
            listener.cellDone(result);
          } catch (RuntimeException ignored) {
            // A listener's failure is its own.
          }
        }
      }
      completion.complete(new LoadReport(plan, results, cancelled, domain));
    } catch (Exception | Error e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      completion.completeExceptionally(e);
    }
  }

  /** One cell; null when cancelled before its end. */
  private CellResult runCell(Runner runner, Targets targets, Workload workload, Protocol protocol)
      throws Exception {
    runner.watch(
        new Runner.Watcher() {
          @Override
          public void tick(boolean measuring, long phaseNanos, long phaseOps) {
            double seconds = phaseNanos / 1e9;
            try {
              listener.progress(
                  new LoadProgress(
                      protocol,
                      workload,
                      measuring ? LoadProgress.Phase.MEASURE : LoadProgress.Phase.WARMUP,
                      seconds,
                      phaseOps,
                      seconds > 0 ? phaseOps / seconds : 0));
            } catch (RuntimeException ignored) {
              // A listener's failure is its own.
            }
          }

          @Override
          public boolean cancelled() {
            return cancelled;
          }
        });
    String label = workload.wireName() + " " + protocol.wireName();
    Measurement m =
        runner.timed(
            label,
            plan.concurrency(),
            targets.ops(protocol, workload, plan.gzip()),
            targets.wire(protocol));
    if (cancelled) {
      return null;
    }
    return result(protocol, workload, m);
  }

  private static CellResult result(Protocol protocol, Workload workload, Measurement m) {
    Histogram h = m.latency();
    long ops = m.ops();
    return new CellResult(
        protocol,
        workload,
        ops,
        m.errors(),
        m.nanos() > 0 ? ops / (m.nanos() / 1e9) : 0,
        new CellResult.Latency(
            micros(h.getValueAtPercentile(50)),
            micros(h.getValueAtPercentile(90)),
            micros(h.getValueAtPercentile(99)),
            micros(h.getValueAtPercentile(99.9)),
            micros(h.getMaxValue())),
        ops > 0 ? m.sentBytes() / ops : 0,
        ops > 0 ? m.receivedBytes() / ops : 0,
        m.firstError());
  }

  private static long micros(long nanos) {
    return TimeUnit.NANOSECONDS.toMicros(nanos);
  }

  /** The load clients of one run, made as the plan needs them, and the ids the reads use. */
  private static final class Targets implements AutoCloseable {
    private final LoadPlan plan;
    private final String domain;
    private RestLoad rest;
    private WebLoad web;
    private H2Load h2;
    private GrpcLoad grpc;
    private String hotId;

    Targets(LoadPlan plan, String domain) {
      this.plan = plan;
      this.domain = domain;
    }

    private String host() {
      return plan.rest().orElseThrow().getHost();
    }

    private int port() {
      URI root = plan.rest().orElseThrow();
      return root.getPort() < 0 ? 80 : root.getPort();
    }

    private String prefix() {
      String path = plan.rest().orElseThrow().getPath();
      if (path == null || path.isEmpty()) {
        path = "/";
      }
      return (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/api";
    }

    private String authHeader() {
      return plan.token().map(t -> "Authorization: Bearer " + t + "\r\n").orElse("");
    }

    RestLoad rest() {
      if (rest == null) {
        rest = new RestLoad(host(), port(), -1, prefix(), authHeader(), domain);
      }
      return rest;
    }

    WebLoad web() {
      if (web == null) {
        web = new WebLoad(host(), port(), authHeader(), domain);
      }
      return web;
    }

    H2Load h2() throws Exception {
      if (h2 == null) {
        h2 = new H2Load(host(), port(), prefix(), plan.token().orElse(null), domain);
      }
      return h2;
    }

    GrpcLoad grpc() {
      if (grpc == null) {
        grpc =
            new GrpcLoad(
                plan.grpcHost().orElseThrow(), plan.grpcPort(), plan.token().orElse(null), domain);
      }
      return grpc;
    }

    /** Creates what the reads need, over REST when the plan has it, else over gRPC. */
    void seed(java.util.Set<Workload> workloads) throws Exception {
      int n =
          workloads.contains(Workload.LIST50) ? SEEDS : workloads.contains(Workload.GET) ? 1 : 0;
      boolean overRest = plan.rest().isPresent();
      for (int i = 0; i < n; i++) {
        String id = overRest ? rest().seed("seed-" + i) : grpc().seed("seed-" + i);
        if (hotId == null) {
          hotId = id;
        }
      }
    }

    Op.Factory ops(Protocol protocol, Workload workload, boolean gzip) throws Exception {
      String tag = "c-" + protocol.wireName();
      return switch (protocol) {
        case REST_JSON ->
            switch (workload) {
              case GET -> rest().get("ours", gzip, hotId);
              case LIST50 -> rest().list("ours", gzip, 50);
              case CREATE -> rest().create(tag, gzip);
            };
        case REST_PROTOBUF ->
            switch (workload) {
              case GET -> rest().getProtobuf(hotId, gzip);
              case LIST50 -> rest().listProtobuf(50, gzip);
              case CREATE -> rest().createProtobuf(tag, gzip);
            };
        case REST_H2_JSON ->
            switch (workload) {
              case GET -> h2().get(gzip, hotId);
              case LIST50 -> h2().list(gzip, 50);
              case CREATE -> h2().create(tag, gzip);
            };
        case GRPC ->
            switch (workload) {
              case GET -> grpc().get(false, gzip, hotId);
              case LIST50 -> grpc().list(false, gzip, 50);
              case CREATE -> grpc().create(tag, gzip);
            };
        case GRPC_WEB ->
            switch (workload) {
              case GET -> web().grpcWebGet(hotId);
              case LIST50 -> web().grpcWebList(50);
              case CREATE -> web().grpcWebCreate(tag);
            };
        case CONNECT_JSON ->
            switch (workload) {
              case GET -> web().connectGet(hotId);
              case LIST50 -> web().connectList(50);
              case CREATE -> web().connectCreate(tag);
            };
      };
    }

    WireBytes wire(Protocol protocol) throws Exception {
      return switch (protocol) {
        case REST_JSON, REST_PROTOBUF -> rest().wire();
        case REST_H2_JSON -> h2().wire();
        case GRPC -> grpc().wire();
        case GRPC_WEB, CONNECT_JSON -> web().wire();
      };
    }

    @Override
    public void close() {
      if (h2 != null) {
        h2.close();
      }
      if (grpc != null) {
        grpc.close();
      }
    }
  }
}
