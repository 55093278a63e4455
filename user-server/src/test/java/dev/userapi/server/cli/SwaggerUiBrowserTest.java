package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.userapi.core.NewUser;
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
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Swagger UI at {@code /docs/} in headless Chromium, driven over the DevTools protocol (a
 * WebSocket, {@code Runtime.evaluate}): the user operations are listed, and "Try it out" on {@code
 * GET /api/users} shows a 200 from this server on its ephemeral port. Skipped only where Chromium
 * is not installed ({@code .ci/run} installs it).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SwaggerUiBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private UserServerCommand server;
  private Path profile;
  private Process chromium;
  private DevTools page;

  @BeforeEach
  void start() throws IOException {
    assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed");
    server = UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
    profile = Files.createTempDirectory("userapi-chromium-");
  }

  @AfterEach
  void stop() throws Exception {
    if (page != null) {
      page.close();
    }
    if (chromium != null) {
      chromium.descendants().forEach(ProcessHandle::destroyForcibly);
      chromium.destroyForcibly();
      chromium.waitFor(20, TimeUnit.SECONDS);
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    if (server != null) {
      server.shutdown(Duration.ofSeconds(2));
    }
  }

  @Test
  void swaggerUiListsTheUserOperationsAndTryItOutGetsA200FromThisServer() throws Exception {
    try (dev.userapi.rest.RestUserClient users =
        dev.userapi.rest.RestUserClient.connect(server.restUri())) {
      users.create(NewUser.of("Ada Lovelace", "ada@browser.example.com", 36));
    }
    String origin = server.restUri().toString().replaceAll("/$", "");
    page = launch(server.restUri().resolve("docs/"));

    await()
        .atMost(WAIT)
        .until(() -> page.number("document.querySelectorAll('.opblock').length") >= 10);
    String paths =
        page.string(
            "[...document.querySelectorAll('.opblock-summary-path')]"
                + ".map(p => (p.getAttribute('data-path') || p.textContent).replace(/\\u200b/g, '')).join(' ')");
    assertThat(paths)
        .contains(
            "/api/users",
            "/api/users/{id}",
            "/api/users:stream",
            "/api/users:watch",
            "/api/users:batchCreate");
    assertThat(
            page.string(
                "[...document.querySelectorAll('.servers option')].map(o => o.value).join(' ')"))
        .as("the servers list names this server, not the document's localhost:8080")
        .isEqualTo(origin);

    String listUsers =
        "[...document.querySelectorAll('.opblock.opblock-get')].find(b => {"
            + " const p = b.querySelector('.opblock-summary-path');"
            + " return p && (p.getAttribute('data-path') || p.textContent).replace(/\\u200b/g, '') === '/api/users'; })";
    page.string(
        "(() => { const b = "
            + listUsers
            + "; (b.querySelector('.opblock-summary-control') || b.querySelector('.opblock-summary')).click(); return 'ok'; })()");
    await()
        .atMost(WAIT)
        .until(
            () -> page.bool("!!(" + listUsers + ").querySelector('.try-out__btn, .btn.execute')"));
    page.string(
        "(() => { const b = "
            + listUsers
            + "; const t = b.querySelector('.try-out__btn');"
            + " if (t && /try it out/i.test(t.textContent)) t.click(); return 'ok'; })()");
    await()
        .atMost(WAIT)
        .until(() -> page.bool("!!(" + listUsers + ").querySelector('.btn.execute')"));
    page.string(
        "(() => { (" + listUsers + ").querySelector('.btn.execute').click(); return 'ok'; })()");

    String statusShown =
        "(("
            + listUsers
            + ").querySelector('.live-responses-table tr.response .response-col_status') || {textContent: ''}).textContent.trim()";
    await().atMost(WAIT).until(() -> !page.string(statusShown).isEmpty());
    assertThat(page.string(statusShown)).isEqualTo("200");
    assertThat(
            page.string("(" + listUsers + ").querySelector('.live-responses-table').textContent"))
        .contains("ada@browser.example.com");
    assertThat(
            page.string(
                "(("
                    + listUsers
                    + ").querySelector('.request-url') || {textContent: ''}).textContent"))
        .contains(origin + "/api/users");
  }

  private DevTools launch(URI url) throws IOException, InterruptedException {
    chromium =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                url.toString())
            .redirectErrorStream(true)
            .redirectOutput(profile.resolve("chromium.log").toFile())
            .start();
    Path activePort = profile.resolve("DevToolsActivePort");
    await()
        .atMost(WAIT)
        .until(() -> Files.exists(activePort) && Files.readAllLines(activePort).size() >= 2);
    int port = Integer.parseInt(Files.readAllLines(activePort).get(0).trim());
    URI list = URI.create("http://127.0.0.1:" + port + "/json/list");
    String[] webSocket = new String[1];
    await().atMost(WAIT).until(() -> (webSocket[0] = pageWebSocket(list)) != null);
    return DevTools.connect(http, URI.create(webSocket[0]));
  }

  private String pageWebSocket(URI list) throws IOException, InterruptedException {
    HttpResponse<String> targets =
        http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString());
    for (JsonNode target : JSON.readTree(targets.body())) {
      if (target.path("type").asText().equals("page")
          && target.path("url").asText().contains("/docs/")) {
        return target.path("webSocketDebuggerUrl").asText();
      }
    }
    return null;
  }

  /** A DevTools protocol session with one page: {@code Runtime.evaluate} and its answer. */
  private static final class DevTools implements WebSocket.Listener, AutoCloseable {
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuilder message = new StringBuilder();
    private WebSocket socket;

    static DevTools connect(HttpClient http, URI webSocket) {
      DevTools devTools = new DevTools();
      devTools.socket = http.newWebSocketBuilder().buildAsync(webSocket, devTools).join();
      return devTools;
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

    private JsonNode evaluate(String expression) {
      int id = ids.incrementAndGet();
      ObjectNode call = JSON.createObjectNode().put("id", id).put("method", "Runtime.evaluate");
      call.putObject("params").put("expression", expression).put("returnByValue", true);
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      calls.put(id, answer);
      socket.sendText(call.toString(), true).join();
      JsonNode result = answer.orTimeout(20, TimeUnit.SECONDS).join();
      JsonNode exception = result.path("result").path("exceptionDetails");
      assertThat(exception.isMissingNode()).as(expression + " threw " + exception).isTrue();
      return result.path("result").path("result");
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        try {
          JsonNode received = JSON.readTree(message.toString());
          CompletableFuture<JsonNode> call = calls.remove(received.path("id").asInt(-1));
          if (call != null) {
            call.complete(received);
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

    @Override
    public void close() {
      socket.abort();
    }
  }
}
