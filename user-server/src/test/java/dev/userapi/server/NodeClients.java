package dev.userapi.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JavaScript client of {@code src/test/js/connect-client} (connect-es on Node), laid out in
 * {@code target/connect-client}: its {@code package.json}, lockfile and scenario copied there,
 * {@code npm ci} run once per lockfile (kept between builds while the lockfile is unchanged), the
 * {@code .proto} of user-api-proto and the {@code google/rpc} files it needs (from the
 * proto-google-common-protos jar on the test class path) generated into plain ES modules by {@code
 * buf generate} on every preparation. Nothing of it is committed.
 *
 * <p>Every process gets a timeout and is killed with its children when it runs over; a failure
 * carries the process's stderr. Not thread-safe; tests use it from one thread.
 */
final class NodeClients {
  /** Oldest Node major version the pinned connect-es packages support (their engines field). */
  static final int MIN_NODE_MAJOR = 18;

  private static final Path SOURCE = Path.of("src/test/js/connect-client");
  private static final Path PROTO = Path.of("../user-api-proto/src/main/proto");
  private static final Path DIR = Path.of("target/connect-client");
  private static final List<String> COPIED =
      List.of("package.json", "package-lock.json", "buf.gen.yaml", "scenario.mjs");
  private static final List<String> GOOGLE_PROTOS =
      List.of("google/rpc/status.proto", "google/rpc/error_details.proto");
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration GENERATE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(2);
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeClients() {}

  /**
   * Why the JavaScript clients cannot run here, or null when {@code node} (at least {@value
   * #MIN_NODE_MAJOR}) and {@code npm} are on the PATH.
   */
  static String whyUnavailable() {
    try {
      String version = probe("node", "--version");
      Matcher major = Pattern.compile("^v(\\d+)\\.").matcher(version);
      if (!major.find() || Integer.parseInt(major.group(1)) < MIN_NODE_MAJOR) {
        return "node " + version + " is older than " + MIN_NODE_MAJOR + " (connect-es needs it)";
      }
      probe("npm", "--version");
      return null;
    } catch (IOException | IllegalStateException e) {
      return "node and npm are needed for the JavaScript clients: " + e.getMessage();
    }
  }

  /**
   * Lays out target/connect-client: copies, {@code npm ci} when the lockfile changed, generates.
   */
  static void prepare() throws IOException {
    Files.createDirectories(DIR);
    for (String name : COPIED) {
      Files.copy(SOURCE.resolve(name), DIR.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    Path stamp = DIR.resolve("node_modules/.userapi-installed");
    String installed =
        Files.readString(SOURCE.resolve("package.json"))
            + Files.readString(SOURCE.resolve("package-lock.json"));
    if (!Files.exists(stamp) || !Files.readString(stamp).equals(installed)) {
      run("npm-ci", INSTALL_TIMEOUT, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
      Files.writeString(stamp, installed);
    }

    Path proto = DIR.resolve("proto");
    deleteTree(proto);
    deleteTree(DIR.resolve("gen"));
    copyTree(PROTO, proto);
    for (String name : GOOGLE_PROTOS) {
      try (InputStream in = NodeClients.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException(
              name + " is not on the test class path (proto-google-common-protos)");
        }
        Files.createDirectories(proto.resolve(name).getParent());
        Files.copy(in, proto.resolve(name));
      }
    }
    run("buf-generate", GENERATE_TIMEOUT, "node_modules/.bin/buf", "generate", "proto");
  }

  /**
   * Runs {@code scenario.mjs} with {@code args} and returns its stdout lines as JSON, normalized
   * (see {@link #normalize}).
   *
   * @param name names the process's output files under target/connect-client/logs
   * @throws AssertionError when the process fails, runs over its timeout or prints no "done" line;
   *     with its stderr
   */
  static List<JsonNode> scenario(String name, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("node", "scenario.mjs"));
    command.addAll(Arrays.asList(args));
    Output output = run(name, SCENARIO_TIMEOUT, command.toArray(String[]::new));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.stdout().split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    if (lines.isEmpty() || !lines.get(lines.size() - 1).has("done")) {
      throw new AssertionError(
          "scenario " + name + " ended without its \"done\" line; stderr:\n" + output.stderr());
    }
    return lines;
  }

  /** The stderr of the last run of {@code name}, for failure messages. */
  static String stderr(String name) {
    try {
      return Files.readString(DIR.resolve("logs").resolve(name + ".err"));
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }

  /**
   * The lines with what differs between runs of one scenario on two fresh servers replaced by
   * position: every id (a UUID, also inside messages) by {@code id-N} and every {@code
   * nextPageToken} by {@code token-N}, numbered in order of first appearance. Timestamps need no
   * such help: the test's services run on the same ticking clock.
   */
  static List<JsonNode> normalize(List<JsonNode> lines) {
    List<String> tokens = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<JsonNode> normalized = new ArrayList<>();
    for (JsonNode line : lines) {
      JsonNode copy = line.deepCopy();
      replaceTokens(copy, tokens);
      String text = copy.toString();
      Matcher uuid = UUID.matcher(text);
      StringBuilder replaced = new StringBuilder();
      while (uuid.find()) {
        int index = ids.indexOf(uuid.group());
        if (index < 0) {
          ids.add(uuid.group());
          index = ids.size() - 1;
        }
        uuid.appendReplacement(replaced, "id-" + (index + 1));
      }
      uuid.appendTail(replaced);
      try {
        normalized.add(JSON.readTree(replaced.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return normalized;
  }

  private static void replaceTokens(JsonNode node, List<String> tokens) {
    if (node.isObject()) {
      var object = (com.fasterxml.jackson.databind.node.ObjectNode) node;
      JsonNode token = object.get("nextPageToken");
      if (token != null && token.isTextual()) {
        int index = tokens.indexOf(token.asText());
        if (index < 0) {
          tokens.add(token.asText());
          index = tokens.size() - 1;
        }
        object.put("nextPageToken", "token-" + (index + 1));
      }
    }
    node.forEach(child -> replaceTokens(child, tokens));
  }

  private record Output(String stdout, String stderr) {}

  private static Output run(String name, Duration timeout, String... command) throws IOException {
    Path logs = Files.createDirectories(DIR.resolve("logs"));
    Path out = logs.resolve(name + ".out");
    Path err = logs.resolve(name + ".err");
    Process process =
        new ProcessBuilder(command)
            .directory(DIR.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command)
              + " ran over "
              + timeout
              + " and was killed; stderr:\n"
              + Files.readString(err, UTF_8));
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", command)
              + " exited with "
              + process.exitValue()
              + "; stderr:\n"
              + Files.readString(err, UTF_8));
    }
    return new Output(Files.readString(out, UTF_8), Files.readString(err, UTF_8));
  }

  private static String probe(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not answer");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), UTF_8).trim();
    if (process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  private static java.io.File nullFile() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(file);
      }
    }
  }
}
