package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket): one page, {@code
 * Runtime.evaluate}, screenshots, and what the page reported on the way: console errors, uncaught
 * exceptions, the browser's own error log (failed loads) and Content-Security-Policy violations (a
 * {@code securitypolicyviolation} listener installed before any of the page's scripts run).
 *
 * <p>{@link #requireChromium()} skips a test where Chromium is not installed, except under CI
 * ({@code CI=true}), where {@code .ci/run} installs it and a missing browser is a failure. Not
 * thread-safe; a test uses it from one thread and closes it.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Duration WAIT = Duration.ofSeconds(45);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CSP_PREFIX = "CSP violation: ";

  /** Reports every CSP violation as a console error the collector below recognises. */
  private static final String CSP_LISTENER =
      "document.addEventListener('securitypolicyviolation', e => console.error('"
          + CSP_PREFIX
          + "' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final StringBuilder message = new StringBuilder();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final List<String> failedLoads = new CopyOnWriteArrayList<>();
  private final Path profile;
  private final Process process;
  private WebSocket socket;

  private HeadlessChromium(Path profile, Process process) {
    this.profile = profile;
    this.process = process;
  }

  /** Skips the calling test where Chromium is missing; fails it instead under CI. */
  static void requireChromium() {
    boolean installed = Files.isExecutable(CHROMIUM);
    if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(CHROMIUM + " is missing under CI; .ci/run installs it");
    }
    assumeTrue(installed, "chromium is not installed");
  }

  /** Starts Chromium on a blank page, ready for {@link #open}. */
  static HeadlessChromium launch() throws IOException {
    Path profile = Files.createTempDirectory("userapi-chromium-");
    Process process =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(profile.resolve("chromium.log").toFile())
            .start();
    HeadlessChromium browser = new HeadlessChromium(profile, process);
    try {
      browser.connect();
    } catch (RuntimeException e) {
      browser.close();
      throw e;
    }
    return browser;
  }

  private void connect() {
    Path activePort = profile.resolve("DevToolsActivePort");
    await()
        .atMost(WAIT)
        .until(() -> Files.exists(activePort) && Files.readAllLines(activePort).size() >= 2);
    int port;
    try {
      port = Integer.parseInt(Files.readAllLines(activePort).get(0).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    URI list = URI.create("http://127.0.0.1:" + port + "/json/list");
    String[] webSocket = new String[1];
    await().atMost(WAIT).until(() -> (webSocket[0] = pageWebSocket(list)) != null);
    socket = http.newWebSocketBuilder().buildAsync(URI.create(webSocket[0]), new Listener()).join();
    send("Runtime.enable", JSON.createObjectNode());
    send("Log.enable", JSON.createObjectNode());
    send("Page.enable", JSON.createObjectNode());
    send(
        "Page.addScriptToEvaluateOnNewDocument",
        JSON.createObjectNode().put("source", CSP_LISTENER));
  }

  private String pageWebSocket(URI list) throws IOException, InterruptedException {
    HttpResponse<String> targets =
        http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString());
    for (JsonNode target : JSON.readTree(targets.body())) {
      if (target.path("type").asText().equals("page")) {
        return target.path("webSocketDebuggerUrl").asText();
      }
    }
    return null;
  }

  /** Sets the window to a laptop's size (the console is laid out for 1366×768). */
  HeadlessChromium viewport(int width, int height) {
    send(
        "Emulation.setDeviceMetricsOverride",
        JSON.createObjectNode()
            .put("width", width)
            .put("height", height)
            .put("deviceScaleFactor", 1)
            .put("mobile", false));
    return this;
  }

  /** Loads a page. */
  HeadlessChromium open(URI url) {
    send("Page.navigate", JSON.createObjectNode().put("url", url.toString()));
    return this;
  }

  double number(String expression) {
    return evaluate(expression).path("value").asDouble();
  }

  boolean bool(String expression) {
    return evaluate(expression).path("value").asBoolean();
  }

  String string(String expression) {
    return evaluate(expression).path("value").asText();
  }

  /** Runs a script for its effect (a click, a value set). */
  void run(String statements) {
    evaluate("(() => { " + statements + "; return true; })()");
  }

  /** Waits until the expression is truthy (one that throws, as while a page loads, is not). */
  void waitFor(String expression) {
    String guarded =
        "(() => { try { return !!(" + expression + "); } catch (e) { return false; } })()";
    await().atMost(WAIT).until(() -> bool(guarded));
  }

  /** Writes a PNG of what the page shows now; returns its path. */
  Path screenshot(Path file) throws IOException {
    JsonNode shot = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(shot.path("result").path("data").asText()));
    return file;
  }

  /** Console errors, uncaught exceptions and CSP violations, in the order they came. */
  List<String> errors() {
    return List.copyOf(errors);
  }

  /** The browser's log of loads that failed or got an error status ("404 url"), in order. */
  List<String> failedLoads() {
    return List.copyOf(failedLoads);
  }

  private JsonNode evaluate(String expression) {
    ObjectNode params =
        JSON.createObjectNode()
            .put("expression", expression)
            .put("returnByValue", true)
            .put("awaitPromise", true);
    JsonNode result = send("Runtime.evaluate", params);
    JsonNode exception = result.path("result").path("exceptionDetails");
    assertThat(exception.isMissingNode()).as(expression + " threw " + exception).isTrue();
    return result.path("result").path("result");
  }

  private JsonNode send(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    ObjectNode call = JSON.createObjectNode().put("id", id).put("method", method);
    call.set("params", params);
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    calls.put(id, answer);
    socket.sendText(call.toString(), true).join();
    JsonNode result = answer.orTimeout(30, TimeUnit.SECONDS).join();
    assertThat(result.path("error").isMissingNode())
        .as(method + " failed: " + result.path("error"))
        .isTrue();
    return result;
  }

  private void onEvent(JsonNode event) {
    JsonNode params = event.path("params");
    switch (event.path("method").asText()) {
      case "Runtime.consoleAPICalled" -> {
        String type = params.path("type").asText();
        if (type.equals("error") || type.equals("assert")) {
          List<String> args = new ArrayList<>();
          params
              .path("args")
              .forEach(a -> args.add(a.path("value").asText(a.path("description").asText())));
          errors.add("console." + type + ": " + String.join(" ", args));
        }
      }
      case "Runtime.exceptionThrown" -> {
        JsonNode details = params.path("exceptionDetails");
        errors.add(
            "uncaught: "
                + details
                    .path("exception")
                    .path("description")
                    .asText(details.path("text").asText()));
      }
      case "Log.entryAdded" -> {
        JsonNode entry = params.path("entry");
        if (!entry.path("level").asText().equals("error")) {
          return;
        }
        if (entry.path("source").asText().equals("network")) {
          failedLoads.add(
              entry.path("text").asText().replaceAll(".*status of (\\d+).*", "$1")
                  + " "
                  + entry.path("url").asText());
        } else {
          errors.add("log: " + entry.path("text").asText() + " " + entry.path("url").asText());
        }
      }
      default -> {}
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary profile left behind is not worth failing a test for.
    }
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        try {
          JsonNode received = JSON.readTree(message.toString());
          if (received.has("id")) {
            CompletableFuture<JsonNode> call = calls.remove(received.path("id").asInt(-1));
            if (call != null) {
              call.complete(received);
            }
          } else {
            onEvent(received);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          message.setLength(0);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
