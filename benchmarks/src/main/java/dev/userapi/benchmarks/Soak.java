package dev.userapi.benchmarks;

import dev.userapi.core.HealthStatus;
import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak test (not part of {@code mvn verify}): starts the command-line server in a JVM of its
 * own, loads it over REST and gRPC with a bounded mix (fixed concurrency, capped store, streams and
 * watches opened and closed all the time) for a fixed time, samples the server process every few
 * seconds, and fails when a resource keeps growing after warm-up, when any call fails unexpectedly,
 * or when the load stalls. Writes {@code soak.csv}, {@code soak.svg} and {@code summary.txt} under
 * {@code --out}. See RELIABILITY.md for the command and the figures of this machine.
 *
 * <pre>{@code
 * java -cp benchmarks/target/userapi-benchmark.jar dev.userapi.benchmarks.Soak \
 *   --duration 10m --out benchmarks/target/soak [--embedded-postgres | --jdbc-url URL]
 * }</pre>
 *
 * @since 0.1.0
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the CLI server in its own JVM under a bounded REST+gRPC load and fails if its heap,",
      "memory, threads, descriptors or connections keep growing after warm-up, or on any error.",
      "Exit code 0: stable; 1: growing, errors or stalled; 2: usage error."
    })
public final class Soak implements Callable<Integer> {

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "How long the load runs: 90s, 10m, 1h or ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration duration = Duration.ofMinutes(10);

  @Option(
      names = "--out",
      description =
          "Directory for soak.csv, soak.svg, summary.txt and"
              + " server.log (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("benchmarks", "target", "soak");

  @Option(names = "--server-jar", description = "The CLI server jar (default: ${DEFAULT-VALUE}).")
  Path serverJar = Path.of("user-server", "target", "userapi-server.jar");

  @Option(
      names = "--server-jvm-args",
      description =
          "JVM options of the server, space separated."
              + " A fixed, pre-touched heap keeps heap sizing out of RSS (default: ${DEFAULT-VALUE}).")
  String serverJvmArgs = "-Xms256m -Xmx256m -XX:+AlwaysPreTouch";

  @Option(
      names = "--embedded-postgres",
      description = "Serve from a throw-away embedded PostgreSQL instead of memory.")
  boolean embeddedPostgres;

  @Option(
      names = "--jdbc-url",
      description =
          "Serve from this PostgreSQL (the server's"
              + " --jdbc-url; the password from USERAPI_JDBC_PASSWORD) instead of memory.")
  String jdbcUrl;

  @Option(names = "--jdbc-user", description = "The database user of --jdbc-url.")
  String jdbcUser;

  @Option(
      names = "--sample-interval",
      converter = DurationConverter.class,
      description = "Time between samples of the server (default: ${DEFAULT-VALUE}).")
  Duration sampleInterval = Duration.ofSeconds(10);

  @Option(
      names = "--workers",
      description = "Request-response workers per protocol" + " (default: ${DEFAULT-VALUE}).")
  int workers = 4;

  @Option(
      names = "--streams",
      description =
          "Stream workers per protocol, each opening and"
              + " closing streams one after another (default: ${DEFAULT-VALUE}).")
  int streams = 1;

  @Option(
      names = "--watches",
      description =
          "Watch workers per protocol, each opening and"
              + " closing watches one after another (default: ${DEFAULT-VALUE}).")
  int watches = 2;

  @Option(
      names = "--max-users",
      description =
          "Users the load keeps at most; at the cap creates"
              + " become deletes (default: ${DEFAULT-VALUE}).")
  int maxUsers = 1_000;

  @Option(
      names = "--rate",
      description =
          "Request-response operations per second over all"
              + " workers; 0 = as fast as they go (default: ${DEFAULT-VALUE}).")
  double rate = 1_000;

  @Option(
      names = "--warmup",
      description =
          "Fraction of the samples ignored by the growth" + " verdict (default: ${DEFAULT-VALUE}).")
  double warmup = 0.2;

  @Option(
      names = "--max-trend",
      description =
          "Growing when the least-squares trend after"
              + " warm-up adds more than this fraction of the median... (default: ${DEFAULT-VALUE})")
  double maxTrend = 0.10;

  @Option(
      names = "--max-step",
      description =
          "...and the last third's median exceeds the"
              + " middle third's by more than this fraction (default: ${DEFAULT-VALUE}).")
  double maxStep = 0.05;

  /** The metrics judged for growth: CSV column, title, noise floor in the metric's unit. */
  private record Metric(
      String column, String title, double floor, boolean fails, ToDoubleFunction<Sample> get) {

    Metric(String column, String title, double floor, ToDoubleFunction<Sample> get) {
      this(column, title, floor, true, get);
    }
  }

  private static final List<Metric> JUDGED =
      List.of(
          new Metric("heap_after_gc_mb", "heap after GC (MB)", 2, s -> s.server.heapAfterGcMb()),
          new Metric("metaspace_mb", "metaspace (MB)", 2, s -> s.server.metaspaceMb()),
          // Bounded by -XX:ReservedCodeCacheSize and grows as long as the JIT finds more hot code,
          // which on a shared machine goes on for many minutes: its trend is printed, not failed.
          new Metric("code_cache_mb", "JIT code cache (MB)", 2, false, s -> s.server.codeCacheMb()),
          new Metric("rss_mb", "RSS (MB)", 16, s -> s.server.rssMb()),
          new Metric("threads", "threads", 2, s -> s.server.threads()),
          new Metric("fds", "file descriptors", 4, s -> s.server.fds()),
          new Metric("tcp_rest", "TCP conns, REST port", 2, s -> s.server.restConnections()),
          new Metric("tcp_grpc", "TCP conns, gRPC port", 2, s -> s.server.grpcConnections()),
          new Metric("tcp_other", "TCP conns, other", 2, s -> s.server.otherConnections()));

  private static final List<Metric> SHOWN =
      List.of(
          new Metric("client_open_streams", "open streams (client)", 0, s -> s.openStreams),
          new Metric("client_open_watches", "open watches (client)", 0, s -> s.openWatches),
          new Metric("users", "users in the store", 0, s -> s.users),
          new Metric("ops_per_s", "request-response ops/s", 0, s -> s.opsPerSecond),
          new Metric("streams_per_s", "streams completed/s", 0, s -> s.streamsPerSecond),
          new Metric("watches_per_s", "watches completed/s", 0, s -> s.watchesPerSecond),
          new Metric("watch_events_per_s", "watch events/s", 0, s -> s.eventsPerSecond),
          new Metric("errors", "errors (interval)", 0, s -> s.errors),
          new Metric("load_average", "machine load average (1 min)", 0, s -> s.loadAverage));

  /** One sample: the server's resources and the load's counters over the interval before it. */
  private record Sample(
      double seconds,
      ServerProbe.Reading server,
      int users,
      int openStreams,
      int openWatches,
      double opsPerSecond,
      double streamsPerSecond,
      double watchesPerSecond,
      double eventsPerSecond,
      long errors,
      double loadAverage) {}

  /**
   * Runs the soak and exits with its verdict: 0 stable, 1 failed, 2 usage error.
   *
   * @param args the options, see {@code --help}
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Soak()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    Files.createDirectories(out);
    PrintStream console = System.out;
    EmbeddedDatabase database = embeddedPostgres ? EmbeddedDatabase.start() : null;
    try {
      List<String> serverArgs = new ArrayList<>();
      String store = "in-memory";
      if (database != null) {
        serverArgs.addAll(
            List.of("--jdbc-url", database.jdbcUrl(), "--jdbc-user", database.user()));
        store = "embedded PostgreSQL (port " + database.port() + ")";
      } else if (jdbcUrl != null) {
        serverArgs.addAll(List.of("--jdbc-url", jdbcUrl));
        if (jdbcUser != null) {
          serverArgs.addAll(List.of("--jdbc-user", jdbcUser));
        }
        store = "PostgreSQL " + jdbcUrl;
      }
      List<String> jvmArgs =
          serverJvmArgs.isBlank() ? List.of() : List.of(serverJvmArgs.trim().split("\\s+"));
      return run(console, store, jvmArgs, serverArgs);
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  private int run(PrintStream console, String store, List<String> jvmArgs, List<String> serverArgs)
      throws Exception {
    List<Sample> samples = new ArrayList<>();
    Sample drained;
    List<String> errorMessages;
    boolean died = false;
    try (ServerProcess server =
        ServerProcess.start(serverJar, jvmArgs, serverArgs, Map.of(), out.resolve("server.log"))) {
      console.printf(
          "soak: server pid %d (%s store), REST %s, gRPC %s; load for %s%n",
          server.pid(), store, server.restUri(), server.grpcTarget(), human(duration));
      try (ServerProbe probe =
          ServerProbe.attach(server.pid(), server.restPort(), server.grpcPort())) {
        // The soak judges resources, not latency: on a shared machine a call can wait seconds for
        // a core, so deadlines are generous; a hung call still ends as an error.
        GrpcUserClient grpc =
            GrpcUserClient.builder().target(server.grpcTarget()).deadline(CALL_TIMEOUT).build();
        RestUserClient rest =
            RestUserClient.builder().baseUri(server.restUri()).readTimeout(CALL_TIMEOUT).build();
        Map<String, UserService> clients = new LinkedHashMap<>();
        clients.put("grpc", grpc);
        clients.put("rest", rest);
        SoakLoad load = new SoakLoad(clients, workers, streams, watches, maxUsers, rate);
        try (grpc;
            rest) {
          awaitServing(grpc, rest);
          load.seed(grpc);
          console.printf("soak: store filled to the cap of %d users%n", load.users());
          long start = System.nanoTime();
          Counters idle = Counters.of(load, start);
          samples.add(sample(probe, load, 0, idle, idle));
          load.start();
          long samplesWanted = duration.toNanos() / sampleInterval.toNanos();
          Counters last = Counters.of(load, start);
          for (long i = 1; i <= samplesWanted && server.isAlive(); i++) {
            sleepUntil(start + i * sampleInterval.toNanos());
            if (!server.isAlive()) {
              break;
            }
            Counters now = Counters.of(load, System.nanoTime());
            Sample s = sample(probe, load, (now.nanos - start) / 1e9, last, now);
            last = now;
            samples.add(s);
            console.printf(
                Locale.ROOT,
                "%6.0fs heap %6.1f MB  rss %6.1f MB  threads %4d  fds %4d  tcp rest/grpc/other"
                    + " %3d/%3d/%3d  users %5d  ops/s %7.0f  errors %d%n",
                s.seconds,
                s.server.heapAfterGcMb(),
                s.server.rssMb(),
                s.server.threads(),
                s.server.fds(),
                s.server.restConnections(),
                s.server.grpcConnections(),
                s.server.otherConnections(),
                s.users,
                s.opsPerSecond,
                s.errors);
          }
          died = !server.isAlive();
          load.close();
        }
        errorMessages = load.errorMessages();
        // The clients are closed: what the server still holds a few seconds later is what the
        // load left behind (shown, not judged).
        drained = died ? null : afterLoad(probe, load, samples);
      }
    }
    return report(console, store, samples, drained, errorMessages, died);
  }

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  /** Connects both clients before the clock starts, so that the first calls do not pay for it. */
  private static void awaitServing(UserService... clients) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    for (UserService client : clients) {
      while (client.health() != HealthStatus.SERVING) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the server is not serving: " + client);
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
  }

  /** The load's counters at one instant, to turn into rates. */
  private record Counters(
      long nanos, long ops, long streams, long watches, long events, long errors) {
    static Counters of(SoakLoad load, long nanos) {
      return new Counters(
          nanos,
          load.ops(),
          load.streamsDone(),
          load.watchesDone(),
          load.watchEvents(),
          load.errors());
    }
  }

  /** Reads the server and turns the load's counters since {@code before} into rates. */
  private static Sample sample(
      ServerProbe probe, SoakLoad load, double seconds, Counters before, Counters after)
      throws IOException {
    ServerProbe.Reading reading = probe.read();
    double dt = Math.max(1e-9, (after.nanos - before.nanos) / 1e9);
    return new Sample(
        seconds,
        reading,
        load.users(),
        load.openStreams(),
        load.openWatches(),
        (after.ops - before.ops) / dt,
        (after.streams - before.streams) / dt,
        (after.watches - before.watches) / dt,
        (after.events - before.events) / dt,
        after.errors - before.errors,
        loadAverage());
  }

  /** The machine's one-minute load average: context for the rates, since builds share it. */
  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private Sample afterLoad(ServerProbe probe, SoakLoad load, List<Sample> samples)
      throws IOException, InterruptedException {
    TimeUnit.SECONDS.sleep(5);
    double seconds = samples.get(samples.size() - 1).seconds + 5;
    return new Sample(
        seconds,
        probe.read(),
        load.users(),
        load.openStreams(),
        load.openWatches(),
        0,
        0,
        0,
        0,
        0,
        loadAverage());
  }

  private int report(
      PrintStream console,
      String store,
      List<Sample> samples,
      Sample drained,
      List<String> errorMessages,
      boolean died)
      throws IOException {
    writeCsv(samples);
    double[] seconds = samples.stream().mapToDouble(Sample::seconds).toArray();
    GrowthCheck check = new GrowthCheck(warmup, maxTrend, maxStep);
    // The idle sample before the load is no part of any window: judge the loaded samples only.
    List<Sample> loaded = samples.subList(Math.min(1, samples.size()), samples.size());
    double[] loadedSeconds = loaded.stream().mapToDouble(Sample::seconds).toArray();
    List<GrowthCheck.Verdict> verdicts = new ArrayList<>();
    List<SoakChart.Panel> panels = new ArrayList<>();
    for (Metric m : JUDGED) {
      double[] values = loaded.stream().mapToDouble(m.get).toArray();
      GrowthCheck.Verdict v = check.judge(m.column, loadedSeconds, values, m.floor);
      verdicts.add(v);
      panels.add(new SoakChart.Panel(m.title, samples.stream().mapToDouble(m.get).toArray(), v));
    }
    for (Metric m : SHOWN) {
      panels.add(new SoakChart.Panel(m.title, samples.stream().mapToDouble(m.get).toArray(), null));
    }
    int warmupSamples = (int) Math.ceil(loaded.size() * warmup);
    double warmupEnd =
        loaded.isEmpty() ? 0 : loadedSeconds[Math.min(warmupSamples, loaded.size() - 1)];
    String heading =
        String.format(
            Locale.ROOT,
            "userapi soak, %s store, %s; shaded: warm-up,"
                + " dashed: least-squares trend after it",
            store,
            human(duration));
    Files.writeString(
        out.resolve("soak.svg"),
        SoakChart.svg(heading, seconds, warmupEnd, panels),
        StandardCharsets.UTF_8);

    List<String> lines = new ArrayList<>();
    lines.add(
        "userapi soak: "
            + store
            + " store, "
            + human(duration)
            + ", "
            + samples.size()
            + " samples every "
            + human(sampleInterval)
            + " (the first before the load)");
    lines.add(
        String.format(
            Locale.ROOT,
            "load: %d request-response workers, %d stream and %d"
                + " watch workers per protocol (gRPC, REST); at most %d users; rate %s ops/s",
            workers,
            streams,
            watches,
            maxUsers,
            rate > 0 ? String.format(Locale.ROOT, "%.0f", rate) : "unbounded"));
    lines.add(
        String.format(
            Locale.ROOT,
            "growing = after the first %.0f %% of the samples, the"
                + " least-squares trend adds > %.0f %% of the median AND the last third's median exceeds"
                + " the middle third's by > %.0f %% (each also above the metric's floor)",
            warmup * 100,
            maxTrend * 100,
            maxStep * 100));
    lines.add("");
    lines.add(
        String.format(
            Locale.ROOT, "%-18s %9s %9s %9s %9s", "metric", "idle", "end", "peak", "after"));
    for (Metric m : JUDGED) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%-18s %9.1f %9.1f %9.1f %9s",
              m.column,
              m.get.applyAsDouble(samples.get(0)),
              m.get.applyAsDouble(samples.get(samples.size() - 1)),
              samples.stream().mapToDouble(m.get).max().orElse(0),
              drained == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.1f", m.get.applyAsDouble(drained))));
    }
    lines.add("(idle: before the load; after: 5 s after the load stopped and the clients closed)");
    lines.add("");
    boolean growing = false;
    for (int i = 0; i < verdicts.size(); i++) {
      GrowthCheck.Verdict v = verdicts.get(i);
      boolean fails = JUDGED.get(i).fails();
      lines.add(v.describe() + (fails ? "" : " (shown, never fails the run)"));
      growing |= fails && v.growing();
    }
    long errors = samples.stream().mapToLong(Sample::errors).sum();
    double ops = loaded.stream().mapToDouble(Sample::opsPerSecond).average().orElse(0);
    // A stall is judged after warm-up only: the first seconds go to class loading and the JIT.
    boolean stalled =
        loaded.size() <= warmupSamples
            || loaded.subList(warmupSamples, loaded.size()).stream()
                .anyMatch(
                    s -> s.opsPerSecond == 0 || s.streamsPerSecond == 0 || s.watchesPerSecond == 0);
    lines.add("");
    lines.add(
        String.format(
            Locale.ROOT,
            "mean request-response ops/s %.0f; streams/s %.1f;"
                + " watches/s %.1f; watch events/s %.0f",
            ops,
            loaded.stream().mapToDouble(Sample::streamsPerSecond).average().orElse(0),
            loaded.stream().mapToDouble(Sample::watchesPerSecond).average().orElse(0),
            loaded.stream().mapToDouble(Sample::eventsPerSecond).average().orElse(0)));
    lines.add(
        String.format(
            Locale.ROOT,
            "machine load average (1 min, 2 cores shared with other work): mean %.1f, max %.1f",
            loaded.stream().mapToDouble(Sample::loadAverage).average().orElse(0),
            loaded.stream().mapToDouble(Sample::loadAverage).max().orElse(0)));
    lines.add(serverLogSummary());
    lines.add("unexpected errors: " + errors);
    errorMessages.forEach(e -> lines.add("  " + e));
    List<String> failures = new ArrayList<>();
    if (died) {
      failures.add("the server process died");
    }
    if (growing) {
      failures.add("a metric keeps growing");
    }
    if (errors > 0) {
      failures.add(errors + " unexpected errors");
    }
    if (stalled) {
      failures.add(
          "the load stalled (an interval without request-response calls, streams or" + " watches)");
    }
    lines.add("verdict: " + (failures.isEmpty() ? "PASS" : "FAIL: " + String.join("; ", failures)));
    lines.add(
        "files: "
            + out.resolve("soak.csv")
            + ", "
            + out.resolve("soak.svg")
            + ", "
            + out.resolve("server.log"));
    Files.write(out.resolve("summary.txt"), lines, StandardCharsets.UTF_8);
    console.println();
    lines.forEach(console::println);
    return failures.isEmpty() ? 0 : 1;
  }

  /** How many warnings and errors the server logged: shown, not judged. */
  private String serverLogSummary() throws IOException {
    long severe = 0;
    long warnings = 0;
    long lines = 0;
    try (var log = Files.lines(out.resolve("server.log"), StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) log::iterator) {
        lines++;
        if (line.startsWith("SEVERE:") || line.contains(" ERROR ")) {
          severe++;
        } else if (line.startsWith("WARNING:") || line.contains(" WARN ")) {
          warnings++;
        }
      }
    }
    return String.format(
        Locale.ROOT,
        "server log: %d lines, %d SEVERE/ERROR and %d WARNING/WARN entries (server.log)",
        lines,
        severe,
        warnings);
  }

  private void writeCsv(List<Sample> samples) throws IOException {
    List<String> rows = new ArrayList<>();
    StringBuilder header = new StringBuilder("elapsed_s");
    for (Metric m : JUDGED) {
      header.append(',').append(m.column);
    }
    for (Metric m : SHOWN) {
      header.append(',').append(m.column);
    }
    rows.add(header.toString());
    for (Sample s : samples) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%.1f", s.seconds));
      for (Metric m : JUDGED) {
        row.append(',').append(String.format(Locale.ROOT, "%.1f", m.get.applyAsDouble(s)));
      }
      for (Metric m : SHOWN) {
        row.append(',').append(String.format(Locale.ROOT, "%.1f", m.get.applyAsDouble(s)));
      }
      rows.add(row.toString());
    }
    Files.write(out.resolve("soak.csv"), rows, StandardCharsets.UTF_8);
  }

  private void validate() {
    if (embeddedPostgres && jdbcUrl != null) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--embedded-postgres and --jdbc-url exclude each other");
    }
    if (duration.isNegative()
        || duration.isZero()
        || sampleInterval.isNegative()
        || sampleInterval.isZero()
        || duration.compareTo(sampleInterval) < 0) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--duration must be positive and at least --sample-interval");
    }
    if (workers < 1 || streams < 0 || watches < 0 || maxUsers < 1 || rate < 0) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--workers and --max-users: >= 1; --streams, --watches, --rate: >= 0");
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 ? s / 60 + " min" : s + " s";
  }

  /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.startsWith("p")) {
          return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        for (String[] unit :
            new String[][] {{"ms", "MILLIS"}, {"s", "SECONDS"}, {"m", "MINUTES"}, {"h", "HOURS"}}) {
          if (v.endsWith(unit[0])) {
            long n = Long.parseLong(v.substring(0, v.length() - unit[0].length()));
            return Duration.of(n, java.time.temporal.ChronoUnit.valueOf(unit[1]));
          }
        }
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration (expected e.g. 500ms, 10s, 2m or PT10S)");
      }
    }
  }
}
