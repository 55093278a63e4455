package dev.userapi.benchmarks;

import dev.userapi.load.internal.ServerMeter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servers the benchmark measures in a JVM of their own, pinned to CPUs of their own with {@code
 * taskset -c}: this benchmark's jar started with {@code --serve} (one {@code UserServer} with the
 * bare baselines, and the raw Grizzly floor, exactly as in-process), while the load generator runs
 * pinned to the other CPUs. The server is then the bottleneck, and the load generator cannot take
 * its CPU.
 *
 * <p>Server CPU is that of the server's request threads (as the in-process meter counts it), and
 * beside it the whole server JVM's (user and system time from {@code /proc/<pid>/stat}: also its GC
 * and JIT threads, which the in-process meter leaves out). Memory samples ask the server for a full
 * collection ({@code jcmd <pid> GC.run}) and read the heap after it from the server's GC log, and
 * the resident set from {@code /proc/<pid>/status}. Linux only.
 *
 * <p>Not thread-safe; {@link #close()} may be called once from any thread.
 */
final class PinnedServers implements ServerMeter, AutoCloseable {
  private static final Pattern SERVING =
      Pattern.compile(
          "^SERVING grpc=\\S+:(\\d+) rest=\\S+:(\\d+) raw=\\S+:(\\d+) hot=(\\S+) grpcBody=(\\S+) ids=(\\S+)",
          Pattern.MULTILINE);
  private static final Pattern FULL_GC =
      Pattern.compile("Pause Full \\((?:Diagnostic Command|System.gc\\(\\))\\) (\\d+)M->(\\d+)M");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final long CLOCK_TICKS = clockTicks();

  private final Process process;
  private final Path gcLog;
  private final int grpcPort;
  private final int restPort;
  private final int rawPort;
  private final List<String> ids;

  private PinnedServers(Process process, Path gcLog, Matcher serving) throws IOException {
    this.process = process;
    this.gcLog = gcLog;
    this.grpcPort = Integer.parseInt(serving.group(1));
    this.restPort = Integer.parseInt(serving.group(2));
    this.rawPort = Integer.parseInt(serving.group(3));
    this.ids = Files.readAllLines(Path.of(serving.group(6)), StandardCharsets.UTF_8);
  }

  /**
   * Starts {@code taskset -c <cpus> java <jvmArgs> -cp <this jar> Benchmark --serve <serveArgs>}
   * and waits until it serves.
   *
   * @param cpus the server's CPU list for {@code taskset -c}
   * @param jvmArgs the server JVM's options
   * @param serveArgs options of {@code --serve} (users, batch, threading)
   * @param dir where the server's log, GC log and seeded ids go
   */
  static PinnedServers start(String cpus, List<String> jvmArgs, List<String> serveArgs, Path dir)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path log = dir.resolve("server.log");
    Path gcLog = dir.resolve("gc.log");
    List<String> command = new ArrayList<>(List.of("taskset", "-c", cpus));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-Xlog:gc:file=" + gcLog);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Benchmark.class.getName(),
            "--serve",
            "--no-progress",
            "--out",
            dir.toString()));
    command.addAll(serveArgs);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        Matcher serving = SERVING.matcher(text);
        if (serving.find()) {
          return new PinnedServers(process, gcLog, serving);
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the pinned server exited (" + process.exitValue() + "): " + tail(text));
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
      throw new IllegalStateException("the pinned server did not start in " + START_TIMEOUT);
    } catch (IOException | RuntimeException | InterruptedException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /**
   * Pins this process (every thread it has; threads started later inherit it) to {@code cpus}.
   *
   * @throws IllegalStateException when {@code taskset} is missing or refuses
   */
  static void pinThisProcess(String cpus) throws InterruptedException {
    String pid = Long.toString(ProcessHandle.current().pid());
    try {
      Process taskset =
          new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, pid)
              .redirectErrorStream(true)
              .start();
      String out = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (taskset.waitFor() != 0) {
        throw new IllegalStateException("taskset -a -p -c " + cpus + " failed: " + out.trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "pinning needs taskset (util-linux); use --in-process to run without it", e);
    }
  }

  int grpcPort() {
    return grpcPort;
  }

  int restPort() {
    return restPort;
  }

  int rawPort() {
    return rawPort;
  }

  /** The seeded users' ids, in creation order. */
  List<String> ids() {
    return ids;
  }

  long pid() {
    return process.pid();
  }

  /**
   * The request threads' CPU: the server's threads named {@code userapi-*} (user-server's) and
   * {@code srv-raw-*} (the raw floor's), as the in-process meter counts them, read per thread from
   * {@code /proc/<pid>/task/<tid>/stat} (the kernel keeps the first 15 characters of a name).
   * Threads that ended are lost, which is why the servers run on long-lived pools.
   */
  @Override
  public long cpuNanos() {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(task.resolve("comm")).trim();
          if (comm.startsWith("userapi-") || comm.startsWith(RawFloorServer.THREAD_PREFIX)) {
            ticks += ticks(Files.readString(task.resolve("stat")));
          }
        } catch (IOException ended) {
          // The thread ended between the listing and the read.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ticks * (1_000_000_000L / CLOCK_TICKS);
  }

  /** The whole server JVM's CPU, ended threads included: request threads, GC, JIT. */
  @Override
  public long jvmCpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      return ticks(stat) * (1_000_000_000L / CLOCK_TICKS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** utime + stime of a {@code stat} line, in clock ticks. */
  private static long ticks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command: state is field 3 of stat(5), so utime (14) and stime (15) are 11 and 12.
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  @Override
  public MemorySample memory() {
    try {
      long before = Files.exists(gcLog) ? Files.size(gcLog) : 0;
      Process jcmd =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  Long.toString(process.pid()),
                  "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      jcmd.waitFor(30, TimeUnit.SECONDS);
      double heap = -1;
      for (int i = 0; i < 100 && heap < 0; i++) {
        heap = lastFullGcAfterMiB(before);
        if (heap < 0) {
          TimeUnit.MILLISECONDS.sleep(20); // the log line is written after the pause
        }
      }
      return new MemorySample(heap, rssMiB());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return MemorySample.NONE;
    }
  }

  private double lastFullGcAfterMiB(long from) throws IOException {
    byte[] all = Files.readAllBytes(gcLog);
    String text =
        new String(
            all,
            (int) Math.min(from, all.length),
            (int) Math.max(0, all.length - from),
            StandardCharsets.UTF_8);
    Matcher m = FULL_GC.matcher(text);
    double after = -1;
    while (m.find()) {
      after = Double.parseDouble(m.group(2));
    }
    return after;
  }

  private double rssMiB() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return -1;
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      return getconf.waitFor() == 0 ? Long.parseLong(out.trim()) : 100;
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  private static String tail(String text) {
    return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
