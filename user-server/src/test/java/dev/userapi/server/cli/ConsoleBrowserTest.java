package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.NewUser;
import dev.userapi.grpc.GrpcUserClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console at {@code /} in headless Chromium on a 1366×768 window, against the command-line
 * server on ephemeral ports: every panel is driven as a person would (clicks, form values), what it
 * shows is checked, and a screenshot of it is written under {@code target/console-screenshots/}.
 * The page must log no console error and no Content-Security-Policy violation; the only failed
 * loads allowed are the error answers a test asks for.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleBrowserTest {
  private static final Path SHOTS = Path.of("target/console-screenshots");
  private static final Duration WAIT = HeadlessChromium.WAIT;

  private final List<String> expectedFailedLoads = new ArrayList<>();
  private UserServerCommand server;
  private HeadlessChromium page;

  @BeforeEach
  void requireChromium() {
    HeadlessChromium.requireChromium();
  }

  @AfterEach
  void stop() {
    if (page != null) {
      page.close();
    }
    if (server != null) {
      server.shutdown(Duration.ofSeconds(2));
    }
  }

  @Test
  void restAndGrpcPanelsCreateAndGetAUserAndShowTheThreeFieldViolations() throws Exception {
    start();
    open();

    page.run("document.getElementById('rest-send').click()");
    waitForRestStatus("201");
    assertThat(page.string("document.getElementById('rest-response').textContent"))
        .contains("etag: \"", "location: ", "\"name\": \"Ada Lovelace\"");
    assertThat(page.string("document.getElementById('rest-request').textContent"))
        .startsWith("POST " + origin() + "/api/users");
    choose("rest-op", "get");
    page.run("document.getElementById('rest-send').click()");
    waitForRestStatus("200");
    assertThat(page.string("document.getElementById('rest-response').textContent"))
        .contains("HTTP 200", "etag: \"");
    page.run("document.getElementById('rest-curl').click()");
    page.waitFor("document.getElementById('rest-curl-text').textContent");
    assertThat(page.string("document.getElementById('rest-curl-text').textContent"))
        .startsWith("curl -i '" + origin() + "/api/users/");
    shot("1-rest");

    page.run("document.getElementById('rest-invalid').click()");
    page.run("document.getElementById('rest-send').click()");
    waitForRestStatus("400");
    expectedFailedLoads.add("400 " + origin() + "/api/users");
    assertThat(page.string("document.getElementById('rest-response').textContent"))
        .contains(
            "INVALID_ARGUMENT",
            "\"field\": \"name\"",
            "\"field\": \"email\"",
            "\"field\": \"age\"");

    page.run("document.getElementById('tab-grpc').click()");
    page.run("document.getElementById('grpc-send').click()");
    waitForGrpcCode("OK");
    String created = page.string("document.getElementById('grpc-response-json').textContent");
    assertThat(created).contains("\"name\": \"Ada Lovelace\"", "\"etag\"");
    choose("grpc-op", "get");
    page.run("document.getElementById('grpc-send').click()");
    waitForGrpcCode("OK");
    String id = page.string("document.getElementById('grpc-id').value");
    assertThat(created).contains("\"id\": \"" + id + "\"");
    assertThat(page.string("document.getElementById('grpc-response-json').textContent"))
        .contains("\"id\": \"" + id + "\"", "\"email\": \"ada-");
    assertThat(page.string("document.getElementById('grpc-response-hex').textContent"))
        .startsWith("0000  0a 24");
    page.run("document.getElementById('grpc-grpcurl').click()");
    page.waitFor("document.getElementById('grpc-command').textContent");
    assertThat(page.string("document.getElementById('grpc-command').textContent"))
        .contains("grpcurl -plaintext -d '{\"id\":\"" + id + "\"}'")
        .endsWith("userapi.v1.UserService/GetUser");
    shot("2-grpc");

    page.run("document.getElementById('grpc-invalid').click()");
    page.run("document.getElementById('grpc-send').click()");
    waitForGrpcCode("INVALID_ARGUMENT");
    assertThat(
            page.string(
                "[...document.querySelectorAll('#grpc-violations li code')]"
                    + ".map(c => c.textContent).join(',')"))
        .isEqualTo("name,email,age");
    shot("2-grpc-invalid");
    assertThePageReportedNoErrors();
  }

  @Test
  void sideBySideLiveAndTheGuideShowBothProtocols() throws Exception {
    start();
    open();

    page.run("document.getElementById('tab-compare').click()");
    page.run("document.getElementById('compare-n').value = '10'");
    page.run("document.getElementById('compare-run').click()");
    page.waitFor("document.getElementById('panel-compare').dataset.done");
    assertThat(page.string("document.getElementById('compare-results').textContent"))
        .contains("REST (JSON body)", "gRPC-Web (protobuf message)");
    assertThat(page.bool("!!document.querySelector('#compare-chart canvas')")).isTrue();
    shot("3-side-by-side");

    page.run("document.getElementById('tab-live').click()");
    page.waitFor("document.getElementById('live-sse-state').dataset.open");
    writeOverNativeGrpcUntilBothColumnsShowIt();
    page.run("document.getElementById('live-demo').click()");
    page.waitFor(
        "document.getElementById('live-sse-events').textContent.includes('Console demo')"
            + " && document.getElementById('live-grpc-events').textContent"
            + ".includes('Console demo')");
    page.run("document.getElementById('live-race-run').click()");
    page.waitFor("document.getElementById('live-race-state').textContent.startsWith('Done')");
    assertThat(page.string("document.getElementById('live-race').textContent"))
        .contains("REST NDJSON", "gRPC-Web StreamUsers", "users/s");
    shot("4-live");

    page.run("document.getElementById('tab-guide').click()");
    assertThat(page.string("document.getElementById('guide-compare').textContent"))
        .contains("median", "over REST", "over gRPC-Web", "users/s");
    shot("7-guide");
    assertThePageReportedNoErrors();
  }

  @Test
  void contractPanelShowsBothDocumentsRunsTheClientsAndTailsTheLog() throws Exception {
    start();
    open();
    page.run("document.getElementById('tab-contract').click()");
    page.waitFor("document.getElementById('contract-openapi').textContent.includes('openapi: 3')");
    assertThat(page.string("document.getElementById('contract-proto').textContent"))
        .contains("service UserService");
    try (GrpcUserClient users = GrpcUserClient.connect(server.grpcTarget())) {
      users.create(NewUser.of("Logged", "logged@browser.example.com", 40));
    }
    page.waitFor(
        "[...document.querySelectorAll('#log-rows tr')]"
            + ".some(r => r.textContent.includes('userapi.v1.UserService/CreateUser'))");
    assertThat(page.string("document.getElementById('log-rows').textContent"))
        .doesNotContain("logged@browser.example.com");
    page.run("document.getElementById('clients-grpc-run').click()");
    page.run("document.getElementById('clients-rest-run').click()");
    page.waitFor(
        "document.getElementById('clients-grpc-out').dataset.outcome"
            + " && document.getElementById('clients-rest-out').dataset.outcome");
    assertThat(page.string("document.getElementById('clients-grpc-out').textContent"))
        .endsWith("scenario passed\n");
    assertThat(page.string("document.getElementById('clients-rest-out').textContent"))
        .endsWith("scenario passed\n");
    shot("6-contract");
    page.run("window.scrollTo(0, document.body.scrollHeight)");
    shot("6-contract-clients-and-log");
    assertThePageReportedNoErrors();
  }

  @Test
  void aTwoSecondBenchmarkRunFinishesAndDrawsItsCharts() throws Exception {
    start();
    open();
    page.run("document.getElementById('tab-benchmark').click()");
    page.run(
        "document.querySelectorAll('#panel-benchmark fieldset input').forEach(i => i.checked ="
            + " ['get', 'rest-json', 'grpc', 'grpc-web'].includes(i.value))");
    page.run("document.getElementById('bench-duration').value = '2'");
    page.run("document.getElementById('bench-warmup').value = '1'");
    page.run("document.getElementById('bench-start').click()");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> page.string("document.getElementById('panel-benchmark').dataset.done || ''"),
            "done"::equals);
    assertThat(page.number("document.querySelectorAll('#panel-benchmark .chart canvas').length"))
        .isEqualTo(3);
    assertThat(page.string("document.getElementById('bench-table').textContent"))
        .contains("rest-json get", "grpc get", "grpc-web get");
    shot("5-benchmark");
    page.run("window.scrollTo(0, document.body.scrollHeight)");
    shot("5-benchmark-table");
    page.run("window.scrollTo(0, 0)");
    page.run("document.getElementById('tab-guide').click()");
    assertThat(page.string("document.getElementById('guide-benchmark').textContent"))
        .contains("calls/s", "grpc get");
    assertThePageReportedNoErrors();
  }

  @Test
  void withTokensThePageAsksForOneAndSendsItOverBothProtocols() throws Exception {
    Path tokens = Files.createTempFile("console-tokens", ".txt");
    Files.writeString(tokens, "console-secret users.read,users.write console\n");
    try {
      start("--token-file", tokens.toString());
      open();
      assertThat(page.bool("!document.getElementById('token-form').hidden")).isTrue();

      page.run("document.getElementById('rest-send').click()");
      waitForRestStatus("401");
      expectedFailedLoads.add("401 " + origin() + "/api/users");

      page.run("document.getElementById('token').value = 'console-secret'");
      page.run("document.querySelector('#token-form button').click()");
      page.run("document.getElementById('rest-send').click()");
      waitForRestStatus("201");
      assertThat(page.string("document.getElementById('rest-request').textContent"))
          .contains("Authorization: Bearer …")
          .doesNotContain("console-secret");
      page.run("document.getElementById('tab-grpc').click()");
      choose("grpc-op", "get");
      page.run("document.getElementById('grpc-send').click()");
      waitForGrpcCode("OK");
      shot("token");
      assertThePageReportedNoErrors();
    } finally {
      Files.deleteIfExists(tokens);
    }
  }

  private void start(String... extra) {
    List<String> args = new ArrayList<>(List.of("--rest-port", "0", "--grpc-port", "0"));
    args.addAll(List.of(extra));
    server = UserServerCommand.fromArgs(args.toArray(String[]::new)).start();
  }

  private void open() throws IOException {
    page = HeadlessChromium.launch().viewport(1366, 768).open(server.restUri());
    page.waitFor("document.body.dataset.ready === 'true'");
  }

  private String origin() {
    return server.restUri().toString().replaceAll("/$", "");
  }

  private void choose(String selectId, String value) {
    page.run(
        "const s = document.getElementById('"
            + selectId
            + "'); s.value = '"
            + value
            + "'; s.dispatchEvent(new Event('change'))");
  }

  private void waitForRestStatus(String status) {
    page.waitFor("document.getElementById('rest-meta').dataset.status");
    assertThat(page.string("document.getElementById('rest-meta').dataset.status"))
        .as(page.string("document.getElementById('rest-meta').textContent"))
        .isEqualTo(status);
  }

  private void waitForGrpcCode(String code) {
    page.waitFor("document.getElementById('grpc-status').dataset.code");
    assertThat(page.string("document.getElementById('grpc-status').dataset.code"))
        .as(page.string("document.getElementById('grpc-status').textContent"))
        .isEqualTo(code);
  }

  /**
   * Creates users over native gRPC until both columns show one. gRPC-Web starts its response with
   * the first message, so the page cannot tell when the server has registered its WatchUsers; a
   * user written before that reaches only the SSE column, and the next one reaches both.
   */
  private void writeOverNativeGrpcUntilBothColumnsShowIt() {
    try (GrpcUserClient users = GrpcUserClient.connect(server.grpcTarget())) {
      for (int attempt = 1; ; attempt++) {
        String email = "live-" + attempt + "@browser.example.com";
        users.create(NewUser.of("Written over native gRPC", email, 40));
        try {
          await()
              .atMost(Duration.ofSeconds(5))
              .until(
                  () ->
                      page.bool(
                          "document.getElementById('live-sse-events').textContent.includes('"
                              + email
                              + "') && document.getElementById('live-grpc-events').textContent"
                              + ".includes('"
                              + email
                              + "')"));
          return;
        } catch (ConditionTimeoutException e) {
          assertThat(attempt).as("both columns show a user written over native gRPC").isLessThan(5);
        }
      }
    }
  }

  private void shot(String name) throws IOException {
    page.screenshot(SHOTS.resolve(name + ".png"));
  }

  private void assertThePageReportedNoErrors() {
    assertThat(page.errors()).as("console errors and CSP violations").isEmpty();
    assertThat(page.failedLoads()).as("failed loads").isSubsetOf(expectedFailedLoads);
  }
}
