package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.NewUser;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Swagger UI at {@code /docs/} in headless Chromium, driven over the DevTools protocol (see {@link
 * HeadlessChromium}): the user operations are listed, and "Try it out" on {@code GET /api/users}
 * shows a 200 from this server on its ephemeral port. Skipped only where Chromium is not installed
 * and not under CI ({@code .ci/run} installs it).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SwaggerUiBrowserTest {
  private static final Duration WAIT = HeadlessChromium.WAIT;

  private UserServerCommand server;
  private HeadlessChromium page;

  @BeforeEach
  void start() throws IOException {
    HeadlessChromium.requireChromium();
    server = UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
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
  void swaggerUiListsTheUserOperationsAndTryItOutGetsA200FromThisServer() throws Exception {
    try (dev.userapi.rest.RestUserClient users =
        dev.userapi.rest.RestUserClient.connect(server.restUri())) {
      users.create(NewUser.of("Ada Lovelace", "ada@browser.example.com", 36));
    }
    String origin = server.restUri().toString().replaceAll("/$", "");
    page = HeadlessChromium.launch().open(server.restUri().resolve("docs/"));

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
}
