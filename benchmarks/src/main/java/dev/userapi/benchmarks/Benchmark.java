package dev.userapi.benchmarks;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.load.internal.GrpcLoad;
import dev.userapi.load.internal.Op;
import dev.userapi.load.internal.RestLoad;
import dev.userapi.load.internal.Runner;
import dev.userapi.load.internal.ServerMeter;
import dev.userapi.load.internal.Workloads;
import dev.userapi.rest.RestUserClient;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The REST-vs-gRPC benchmark: the same workloads over both protocols in one run, alternating, with
 * warm-up, against the server user-server ships (started in-process through {@code UserServer}) or
 * running ones, with bare grpc-java and bare Jersey baselines hosted by the same server, and a raw
 * Grizzly floor beside it, so that our adapters' overhead is a measured ratio. Prints an aligned
 * table and writes {@code results.json} and a self-contained {@code report.html}. See BENCHMARKS.md
 * for the command and the figures of this machine.
 *
 * @since 0.1.0
 */
@Command(
    name = "benchmark",
    mixinStandardHelpOptions = true,
    description =
        "Measures userapi over REST and gRPC: throughput, latency percentiles, bytes on the wire, server CPU.")
public final class Benchmark implements Callable<Integer> {

  @Option(
      names = "--quick",
      description = "Small counts and short durations (seconds in total), for CI.")
  boolean quick;

  @Option(
      names = "--concurrency",
      split = ",",
      description = "Operations in flight (default: ${DEFAULT-VALUE}).")
  List<Integer> concurrency = new ArrayList<>(List.of(1, 16, 64));

  @Option(
      names = "--gzip-concurrency",
      description = "Concurrency of the gzip-on cells (default: the middle level).")
  Integer gzipConcurrency;

  @Option(names = "--users", description = "Users seeded and streamed (default: ${DEFAULT-VALUE}).")
  int users = 100_000;

  @Option(
      names = "--bulk",
      description = "Users created by each bulk-create cell (default: ${DEFAULT-VALUE}).")
  int bulk = 100_000;

  @Option(
      names = "--batch",
      description = "Users per batch call or body (default: ${DEFAULT-VALUE}, the service limit).")
  int batch = 10_000;

  @Option(
      names = "--post-each",
      description =
          "Creates of the one-call-per-user bulk cells (default: ${DEFAULT-VALUE}); reported per user.")
  int postEach = 5_000;

  @Option(names = "--lookups", description = "Lookups per lookup cell (default: ${DEFAULT-VALUE}).")
  int lookups = 20_000;

  @Option(
      names = "--warmup-ms",
      description = "Warm-up of each timed cell (default: ${DEFAULT-VALUE}).")
  long warmupMs = 500;

  @Option(
      names = "--first-warmup-ms",
      description =
          "Warm-up of the first cell of each protocol after a server start, and of the first cell per protocol of each workload the server warm-up did not load; never less than --warmup-ms (default: ${DEFAULT-VALUE}; --quick: at most 300).")
  long firstWarmupMs = 3_000;

  @Option(
      names = "--duration-ms",
      description = "Measurement of each timed cell (default: ${DEFAULT-VALUE}).")
  long durationMs = 1_000;

  @Option(
      names = "--runs",
      description = "Repetitions; the table shows medians (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--rate",
      description =
          "Fixed total rate in ops/s with latency measured from the intended start (coordinated-omission corrected); 0 = closed loop (default).")
  double rate;

  @Option(
      names = "--blocking-store",
      description =
          "Start the in-process UserServer with blockingStore(true): every call of both protocols on worker pools, as for a JDBC store (default: short calls on the event loops and selectors, as for the in-memory store).")
  boolean blockingStore;

  @Option(
      names = "--in-process",
      description =
          "Quick mode: servers and load generator in this one JVM, sharing every CPU (the load generator then measures itself too). Default: the servers in a JVM of their own pinned to --server-cpus, the load generator pinned to --client-cpus.")
  boolean inProcess;

  @Option(
      names = "--server-cpus",
      description =
          "taskset CPU list of the server JVM (default: ${DEFAULT-VALUE}; e.g. 0-3 on 8 cores).")
  String serverCpus = "0";

  @Option(
      names = "--client-cpus",
      description =
          "taskset CPU list of this load-generating JVM (default: ${DEFAULT-VALUE}; e.g. 4-7 on 8 cores).")
  String clientCpus = "1";

  @Option(
      names = "--server-jvm",
      split = " ",
      description = "Options of the pinned server JVM (default: ${DEFAULT-VALUE}).")
  List<String> serverJvm = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"));

  @Option(
      names = "--server-warmup-s",
      description =
          "Pinned mode: seconds of get and list50 load on every endpoint before the first cell of each run, which starts a fresh server JVM (default: ${DEFAULT-VALUE}; --quick: 0).")
  int serverWarmupSeconds = 60;

  @Option(
      names = "--memory",
      description =
          "Pinned mode: in the middle of every cell, a full collection of the server (jcmd GC.run) and its heap after it and RSS. Distorts that cell's throughput: run it apart from throughput runs.")
  boolean memory;

  @Option(
      names = "--rest-url",
      description =
          "Benchmark a running REST server (e.g. http://localhost:8080/api) instead of an in-process one.")
  URI restUrl;

  @Option(
      names = "--grpc-target",
      description = "Benchmark a running gRPC server (host:port) instead of an in-process one.")
  String grpcTarget;

  @Option(
      names = "--protocols",
      split = ",",
      description = "Protocols to run (default: ${DEFAULT-VALUE}).")
  List<String> protocols = new ArrayList<>(List.of("grpc", "rest"));

  @Option(
      names = "--workloads",
      split = ",",
      description = "Workloads to run (default: ${DEFAULT-VALUE}).")
  List<String> workloads =
      new ArrayList<>(
          List.of("get", "list50", "stream", "lookup", "update", "create", "bulk-create"));

  @Option(
      names = "--out",
      description = "Directory for results.json and report.html (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("target", "benchmark");

  @Option(
      names = "--serve",
      description =
          "Only start the seeded in-process servers (ours and bare, and the raw Grizzly floor), print their addresses and a gRPC GetUser request body for h2load, and wait: for cross-checks with external load generators (benchmarks/crosscheck.sh).")
  boolean serve;

  @Option(
      names = "--progress",
      negatable = true,
      description = "Progress bars on stderr (default: when a console is attached).")
  Boolean progress;

  /**
   * Runs the benchmark; exit code 0 when it completed, 1 when operations failed.
   *
   * @param args the options, see {@code --help}
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Benchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (firstWarmupMs < 0) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--first-warmup-ms: " + firstWarmupMs + " (expected: >= 0)");
    }
    if (quick) {
      applyQuick();
    }
    boolean remote = restUrl != null || grpcTarget != null;
    if (remote) {
      protocols.removeIf(p -> p.equals("grpc") ? grpcTarget == null : restUrl == null);
    }
    int gzipC = gzipConcurrency != null ? gzipConcurrency : concurrency.get(concurrency.size() / 2);
    boolean showProgress = progress != null ? progress : System.console() != null;
    boolean pinned = !remote && !inProcess && !serve;
    if (memory && !pinned) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--memory needs the pinned mode (no --in-process, no remote)");
    }
    Runner runner = runner(warmupMs, showProgress, memory);
    Runner firstCellRunner = runner(firstCellWarmupMs(), showProgress, memory);
    // The server warm-up measures nothing, so it takes no memory samples (each is a full GC).
    Runner serverWarmupRunner = runner(warmupMs, showProgress, false);
    if (pinned) {
      PinnedServers.pinThisProcess(clientCpus);
    }

    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("cores", Runtime.getRuntime().availableProcessors());
    meta.put(
        "jdk",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    meta.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    meta.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    meta.put(
        "server",
        remote
            ? "remote"
            : (pinned
                    ? "UserServer in its own JVM pinned to CPUs "
                        + serverCpus
                        + " ("
                        + String.join(" ", serverJvm)
                        + "), load generator pinned to CPUs "
                        + clientCpus
                    : "in-process UserServer sharing the JVM and every CPU with the load generator")
                + ", loopback, blockingStore("
                + blockingStore
                + ")");
    meta.put("mode", remote ? "remote" : pinned ? "pinned" : "in-process");
    meta.put("loadAverage", loadAverage());
    meta.put("users", users);
    meta.put("bulk", bulk);
    meta.put("batch", batch);
    meta.put("postEach", postEach);
    meta.put("lookups", lookups);
    meta.put("concurrency", concurrency);
    meta.put("gzipConcurrency", gzipC);
    meta.put("warmupMs", warmupMs);
    meta.put("serverWarmupSeconds", pinned ? serverWarmupSeconds : 0);
    meta.put("firstCellWarmupMs", firstCellWarmupMs());
    meta.put("durationMs", durationMs);
    meta.put("runs", runs);
    meta.put("rate", rate);
    meta.put("quick", quick);
    List<Long> startMillis = new ArrayList<>();
    meta.put("serverStartMillis", startMillis);
    List<String> firstCellLog = new ArrayList<>();
    meta.put("firstCellWarmups", firstCellLog);

    if (serve) {
      return serve();
    }
    List<Result> results = new ArrayList<>();
    long began = System.nanoTime();
    for (int run = 1; run <= runs; run++) {
      try (Environment env =
          remote
              ? Environment.remote(this, run)
              : pinned ? Environment.pinned(this, run) : Environment.local(this, run)) {
        if (env.servers != null) {
          startMillis.add(env.servers.startMillis());
        }
        runner.meter(env.meter);
        firstCellRunner.meter(env.meter);
        serverWarmupRunner.meter(env.meter);
        env.prime();
        boolean warmed = pinned && serverWarmupSeconds > 0;
        if (warmed) {
          env.warmServer(serverWarmupRunner, Duration.ofSeconds(serverWarmupSeconds));
        }
        // Pinned, each run's server JVM is new; otherwise the servers are new but this JVM has
        // compiled their code in the first run.
        FirstCells firstCells =
            new FirstCells(
                pinned || run == 1,
                warmed ? Environment.SERVER_WARMUP_WORKLOADS : Set.of(),
                run,
                firstCellLog);
        new Session(this, env, runner, firstCellRunner, firstCells, run, gzipC, results).runAll();
      }
    }
    meta.put("totalSeconds", (System.nanoTime() - began) / 1e9);
    meta.put("loadAverageAtEnd", loadAverage());
    Report report = new Report(results, meta);
    System.out.print(report.table());
    report.write(out);
    System.out.println("results: " + out.resolve("results.json").toAbsolutePath());
    System.out.println("report:  " + out.resolve("report.html").toAbsolutePath());
    long errors = results.stream().mapToLong(Result::errors).sum();
    if (errors > 0) {
      System.out.println("FAILED OPERATIONS: " + errors + " (see the errors column)");
      return 1;
    }
    return 0;
  }

  /** Small counts and short durations, for {@code --quick}. */
  void applyQuick() {
    users = Math.min(users, 2_000);
    bulk = Math.min(bulk, 2_000);
    batch = Math.min(batch, 500);
    postEach = Math.min(postEach, 200);
    lookups = Math.min(lookups, 500);
    warmupMs = Math.min(warmupMs, 100);
    firstWarmupMs = Math.min(firstWarmupMs, 300);
    durationMs = Math.min(durationMs, 200);
    runs = 1;
    serverWarmupSeconds = 0;
    if (concurrency.equals(List.of(1, 16, 64))) {
      concurrency = new ArrayList<>(List.of(1, 4));
    }
  }

  /** A runner of cells with this run's measurement time and rate. */
  private Runner runner(long cellWarmupMs, boolean showProgress, boolean memory) {
    return new Runner(
        Duration.ofMillis(cellWarmupMs), Duration.ofMillis(durationMs), rate, showProgress, memory);
  }

  /** The warm-up of the cells {@link FirstCells} picks: never shorter than every cell's. */
  long firstCellWarmupMs() {
    return Math.max(warmupMs, firstWarmupMs);
  }

  /** The 1-minute load average, to label the figures with how busy the machine was. */
  static double loadAverage() {
    double load =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return Math.round(load * 100) / 100.0;
  }

  private int serve() throws Exception {
    try (Environment env = Environment.local(this, 1)) {
      java.nio.file.Files.createDirectories(out);
      byte[] message =
          dev.userapi.proto.v1.GetUserRequest.newBuilder().setId(env.hotId).build().toByteArray();
      java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(5 + message.length);
      frame.put((byte) 0).putInt(message.length).put(message);
      Path body = out.resolve("get-user-request.bin");
      java.nio.file.Files.write(body, frame.array());
      byte[] list =
          dev.userapi.proto.v1.ListUsersRequest.newBuilder().setPageSize(50).build().toByteArray();
      java.nio.ByteBuffer listFrame = java.nio.ByteBuffer.allocate(5 + list.length);
      listFrame.put((byte) 0).putInt(list.length).put(list);
      java.nio.file.Files.write(out.resolve("list-users-request.bin"), listFrame.array());
      Path idsFile = out.resolve("ids.txt");
      java.nio.file.Files.write(idsFile, env.ids);
      String host = InetAddress.getLoopbackAddress().getHostAddress();
      System.out.println(
          "SERVING grpc="
              + host
              + ":"
              + env.servers.grpcPort()
              + " rest=http://"
              + host
              + ":"
              + env.servers.restPort()
              + " raw=http://"
              + host
              + ":"
              + env.servers.rawPort()
              + " hot="
              + env.hotId
              + " grpcBody="
              + body.toAbsolutePath()
              + " ids="
              + idsFile.toAbsolutePath());
      System.out.flush();
      new java.util.concurrent.CountDownLatch(1).await();
    }
    return 0;
  }

  /** One run's servers, clients and users. */
  static final class Environment implements AutoCloseable {
    final InProcessServers servers;
    final GrpcLoad grpc;
    final RestLoad rest;
    final List<String> ids;
    final String hotId;
    final boolean restOurs;
    final boolean bare;
    final long streamExpected;
    final ServerMeter meter;
    private final AtomicInteger nextFresh;
    private final AutoCloseable extra;

    private Environment(
        InProcessServers servers,
        GrpcLoad grpc,
        RestLoad rest,
        List<String> ids,
        boolean restOurs,
        boolean bare,
        long streamExpected,
        ServerMeter meter,
        AutoCloseable extra) {
      this.servers = servers;
      this.meter = meter;
      this.grpc = grpc;
      this.rest = rest;
      this.ids = ids;
      this.hotId = ids.get(0);
      this.restOurs = restOurs;
      this.bare = bare;
      this.streamExpected = streamExpected;
      this.nextFresh = new AtomicInteger(ids.size() - 1);
      this.extra = extra;
    }

    /** Seeds a fresh in-memory service and starts both servers on loopback. */
    static Environment local(Benchmark options, int run) throws Exception {
      DefaultUserService service = DefaultUserService.inMemory();
      List<String> ids = seed(service, options.users, "r" + run);
      String hot = ids.get(0);
      AtomicReference<Fixtures> fixtures =
          new AtomicReference<>(
              Fixtures.of(service, hot, 50, Math.min(options.batch, options.bulk)));
      InProcessServers servers =
          InProcessServers.start(service, fixtures, options.users, options.blockingStore);
      String host = InetAddress.getLoopbackAddress().getHostAddress();
      RestLoad rest = new RestLoad(host, servers.restPort(), servers.rawPort(), "/api");
      fixtures.set(
          fixtures
              .get()
              .withRestBodies(
                  rest.fetch("/api/users/" + hot), rest.fetch("/api/users?pageSize=50")));
      GrpcLoad grpc = new GrpcLoad(host, servers.grpcPort());
      return new Environment(
          servers, grpc, rest, ids, true, true, options.users, IN_PROCESS_METER, null);
    }

    /**
     * Starts the servers in a JVM of their own pinned to the server CPUs (see {@link
     * PinnedServers}); this process is already pinned to the client CPUs.
     */
    static Environment pinned(Benchmark options, int run) throws Exception {
      List<String> serveArgs =
          new ArrayList<>(
              List.of(
                  "--users",
                  Integer.toString(options.users),
                  "--batch",
                  Integer.toString(options.batch),
                  "--bulk",
                  Integer.toString(options.bulk)));
      if (options.blockingStore) {
        serveArgs.add("--blocking-store");
      }
      PinnedServers servers =
          PinnedServers.start(
              options.serverCpus,
              options.serverJvm,
              serveArgs,
              options.out.resolve("server-run" + run));
      try {
        String host = InetAddress.getLoopbackAddress().getHostAddress();
        RestLoad rest = new RestLoad(host, servers.restPort(), servers.rawPort(), "/api");
        GrpcLoad grpc = new GrpcLoad(host, servers.grpcPort());
        return new Environment(
            null, grpc, rest, servers.ids(), true, true, options.users, servers, servers);
      } catch (RuntimeException e) {
        servers.close();
        throw e;
      }
    }

    /** The in-process servers' threads, told by name (see {@link CpuMeter}); no memory. */
    private static final ServerMeter IN_PROCESS_METER =
        new ServerMeter() {
          @Override
          public long cpuNanos() {
            return CpuMeter.serverCpuNanos();
          }

          @Override
          public MemorySample memory() {
            return MemorySample.NONE;
          }
        };

    /** Targets running servers: seeds its own users through the protocol's client. */
    static Environment remote(Benchmark options, int run) throws Exception {
      GrpcLoad grpc = null;
      RestLoad rest = null;
      UserService seeder = null;
      AutoCloseable closeSeeder = null;
      if (options.grpcTarget != null) {
        int colon = options.grpcTarget.lastIndexOf(':');
        grpc =
            new GrpcLoad(
                options.grpcTarget.substring(0, colon),
                Integer.parseInt(options.grpcTarget.substring(colon + 1)));
        GrpcUserClient client = GrpcUserClient.connect(options.grpcTarget);
        seeder = client;
        closeSeeder = client;
      }
      if (options.restUrl != null) {
        URI u = options.restUrl;
        String path =
            u.getPath() == null || u.getPath().isEmpty()
                ? "/api"
                : u.getPath().replaceAll("/$", "");
        rest = new RestLoad(u.getHost(), u.getPort() < 0 ? 80 : u.getPort(), -1, path);
        if (seeder == null) {
          RestUserClient client =
              RestUserClient.connect(URI.create(u.getScheme() + "://" + u.getAuthority() + "/"));
          seeder = client;
          closeSeeder = client;
        }
      }
      if (seeder == null) {
        throw new CommandLine.ParameterException(
            new CommandLine(options), "no way to seed users on the REST server yet");
      }
      String tag = "x" + Long.toString(System.currentTimeMillis(), 36) + "r" + run;
      List<String> ids = seed(seeder, Math.min(options.users, 10_000), tag);
      return new Environment(
          null, grpc, rest, ids, rest != null, false, -1, ServerMeter.NONE, closeSeeder);
    }

    private static List<String> seed(UserService service, int count, String tag) {
      List<String> ids = new ArrayList<>(count);
      int chunk = 5_000;
      for (int from = 0; from < count; from += chunk) {
        List<NewUser> batch = new ArrayList<>(chunk);
        for (int i = from; i < Math.min(count, from + chunk); i++) {
          batch.add(Workloads.newUser("seed-" + tag + "-" + i));
        }
        service
            .createAll(batch)
            .forEach(
                r -> {
                  if (!r.succeeded()) {
                    throw r.error();
                  }
                  ids.add(r.user().id());
                });
      }
      return ids;
    }

    /** Opens the connections and loads the classes of both clients with one call each. */
    void prime() throws Exception {
      if (grpc != null) {
        try (Op op = grpc.get(false, false, hotId).newWorker(0)) {
          op.run();
        }
      }
      if (rest != null) {
        try (Op op = rest.get(restOurs ? "ours" : "bare", false, hotId).newWorker(0)) {
          op.run();
        }
      }
    }

    /** The workloads {@link #warmServer} loads. */
    static final Set<String> SERVER_WARMUP_WORKLOADS = Set.of("get", "list50");

    /**
     * Loads the unary read endpoints of both protocols, ours and the baselines, in turn for {@code
     * total}, discarding the measurements: a fresh server JVM interprets, then compiles, Jersey,
     * Jackson and grpc-java for tens of seconds, and its JIT would otherwise land in the first
     * cells. Each pass is one of {@code runner}'s cells (warm-up plus measurement, 1.5 s by
     * default) at concurrency 16, the protocols alternating and each cycling through its endpoints
     * (ours' get and list50 also gzipped). With 20 s, ours' REST get was still being compiled when
     * the first cells ran (the server JVM used 2.5× the request threads' CPU at concurrency 1,
     * issue #17); with the 60 s default its JVM and request-thread CPU agree. It never loads
     * concurrency 1 or the writes; {@link FirstCells} picks the cells that warm up longer for that.
     */
    void warmServer(Runner runner, Duration total) throws Exception {
      List<Op.Factory> grpcLoads =
          List.of(
              grpc.get(false, false, hotId),
              grpc.get(true, false, hotId),
              grpc.list(false, false, 50),
              grpc.get(false, true, hotId),
              grpc.list(false, true, 50));
      List<Op.Factory> restLoads =
          List.of(
              rest.get("ours", false, hotId),
              rest.get("bare", false, hotId),
              rest.get("raw", false, hotId),
              rest.getProtobuf(hotId),
              rest.list("ours", false, 50),
              rest.get("ours", true, hotId),
              rest.list("ours", true, 50));
      long deadline = System.nanoTime() + total.toNanos();
      int i = 0;
      while (System.nanoTime() < deadline) {
        runner.timed("warm-up", 16, grpcLoads.get(i % grpcLoads.size()), grpc.wire());
        runner.timed("warm-up", 16, restLoads.get(i % restLoads.size()), rest.wire());
        i++;
      }
    }

    /** A seeded user no workload has changed yet (updates need a known etag). */
    String freshUser() {
      int i = nextFresh.getAndDecrement();
      if (i <= 0) {
        throw new IllegalStateException("out of fresh users: seed more with --users");
      }
      return ids.get(i);
    }

    @Override
    public void close() throws Exception {
      if (grpc != null) {
        grpc.close();
      }
      if (servers != null) {
        servers.close();
      }
      if (extra != null) {
        extra.close();
      }
    }
  }
}
