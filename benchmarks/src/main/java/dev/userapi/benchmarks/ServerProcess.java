package dev.userapi.benchmarks;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command-line server ({@code userapi-server.jar}) in a JVM of its own, on ephemeral ports: it
 * is started with {@code --rest-port 0 --grpc-port 0} and the ports are read from the banner it
 * prints, as the CLI's own test does. Its standard output and error go to a log file.
 *
 * <p>Not thread-safe; {@link #close()} may be called once from any thread.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern REST =
      Pattern.compile("REST  listening on (http://[^/\\s]+:(\\d+)/)api/users");
  private static final Pattern GRPC = Pattern.compile("gRPC  listening on (\\S+:(\\d+))");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final Process process;
  private final URI restUri;
  private final int restPort;
  private final String grpcTarget;
  private final int grpcPort;

  private ServerProcess(Process process, Matcher rest, Matcher grpc) {
    this.process = process;
    this.restUri = URI.create(rest.group(1));
    this.restPort = Integer.parseInt(rest.group(2));
    this.grpcTarget = grpc.group(1);
    this.grpcPort = Integer.parseInt(grpc.group(2));
  }

  /**
   * Starts {@code java <jvmArgs> -jar <jar> --rest-port 0 --grpc-port 0 <serverArgs>} and waits for
   * its banner.
   *
   * @param environment extra environment variables (e.g. {@code USERAPI_JDBC_PASSWORD})
   * @param log where the server's output goes
   */
  static ServerProcess start(
      Path jar,
      List<String> jvmArgs,
      List<String> serverArgs,
      Map<String, String> environment,
      Path log)
      throws IOException, InterruptedException {
    requireNonNull(jar, "jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "--server-jar: " + jar + " does not exist (build it: mvn -pl user-server -am package)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar.toString(), "--rest-port", "0", "--grpc-port", "0"));
    command.addAll(serverArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(environment);
    Process process = builder.start();
    // A soak stopped with Ctrl-C must not leave its server running.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(process::destroyForcibly, "soak-server-reaper"));
    CompletableFuture<String> banner = new CompletableFuture<>();
    Thread copier = new Thread(() -> copyOutput(process, log, banner), "soak-server-output");
    copier.setDaemon(true);
    copier.start();
    try {
      String text = banner.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Matcher rest = REST.matcher(text);
      Matcher grpc = GRPC.matcher(text);
      if (!rest.find() || !grpc.find()) {
        throw new IllegalStateException("no ports in the server's banner:\n" + text);
      }
      return new ServerProcess(process, rest, grpc);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      process.destroyForcibly();
      throw new IllegalStateException("the server did not start (its output is in " + log + ")", e);
    }
  }

  /** Copies the server's output to the log, completing {@code banner} once it is printed. */
  private static void copyOutput(Process process, Path log, CompletableFuture<String> banner) {
    StringBuilder text = new StringBuilder();
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.write(line);
        out.write('\n');
        out.flush();
        if (!banner.isDone()) {
          text.append(line).append('\n');
          if (line.startsWith("Ctrl-C")) {
            banner.complete(text.toString());
          }
        }
      }
      banner.completeExceptionally(
          new IllegalStateException("the server exited before its banner:\n" + text));
    } catch (IOException e) {
      banner.completeExceptionally(new UncheckedIOException(e));
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  URI restUri() {
    return restUri;
  }

  int restPort() {
    return restPort;
  }

  String grpcTarget() {
    return grpcTarget;
  }

  int grpcPort() {
    return grpcPort;
  }

  /**
   * SIGTERM (the server drains and stops), then SIGKILL if it has not exited in 30 s. An interrupt
   * skips the wait, kills the server and leaves the thread interrupted.
   */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
