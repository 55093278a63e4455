package dev.userapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.DefaultUserService;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that closes one watch over h2c keeps its other streams on the same connection (issue
 * #15). java.net.http's client offers {@code Upgrade: h2c} on the first request of each connection;
 * Grizzly serves that request as stream 1 in the TCP connection's own filter-chain context, so a
 * failed write on it after the client reset it closed the whole connection (see {@code
 * IgnoredUpgrades}). Real sockets, the JDK's client, no waiting on time: each event is read as the
 * server writes it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class H2cUpgradeStreamResetTest {
  private static final int WRITES = 20;

  private UserServer server;
  private HttpClient http2;

  @BeforeEach
  void start() {
    server =
        UserServer.builder(DefaultUserService.inMemory())
            .restPort(0)
            .grpcPort(0)
            .http2(true)
            .build()
            .start();
    http2 = HttpClient.newBuilder().version(Version.HTTP_2).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aWatchOfferingTheUpgradeIsServedOverHttp1AndClosingItLeavesTheHttp2StreamsRunning()
      throws Exception {
    HttpResponse<InputStream> first = watch();
    // The next request upgrades a connection of its own; the second watch is a stream on it.
    assertThat(http2.send(get("api/health"), HttpResponse.BodyHandlers.ofString()).version())
        .isEqualTo(Version.HTTP_2);
    HttpResponse<InputStream> second = watch();
    assertThat(second.version()).isEqualTo(Version.HTTP_2);

    first.body().close();

    createAndSeeEach(second);
    // How: the server kept the long-lived stream off the upgrade (stream 1).
    assertThat(first.version()).isEqualTo(Version.HTTP_1_1);
  }

  @Test
  void closingAWatchOnALaterStreamLeavesTheConnectionsOtherStreamsRunning() throws Exception {
    assertThat(http2.send(get("api/health"), HttpResponse.BodyHandlers.ofString()).version())
        .isEqualTo(Version.HTTP_2);
    HttpResponse<InputStream> first = watch();
    HttpResponse<InputStream> second = watch();
    assertThat(first.version()).isEqualTo(Version.HTTP_2);
    assertThat(second.version()).isEqualTo(Version.HTTP_2);

    first.body().close();

    createAndSeeEach(second);
  }

  /** Creates users over the client's HTTP/2 connection; the open watch sees every one. */
  private void createAndSeeEach(HttpResponse<InputStream> watch) throws Exception {
    try (BufferedReader events =
        new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
      for (int i = 0; i < WRITES; i++) {
        String email = "ada" + i + "@example.com";
        HttpResponse<String> created =
            http2.send(
                HttpRequest.newBuilder(server.restUri().resolve("api/users"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"Ada\",\"email\":\"" + email + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.version()).isEqualTo(Version.HTTP_2);
        String line;
        do {
          line = events.readLine();
          assertThat(line).as("the watch after create #%d", i).isNotNull();
        } while (!line.startsWith("data:"));
        assertThat(line).contains(email);
      }
    }
  }

  private HttpResponse<InputStream> watch() throws Exception {
    HttpResponse<InputStream> response =
        http2.send(
            HttpRequest.newBuilder(server.restUri().resolve("api/users:watch"))
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(server.restUri().resolve(path)).build();
  }
}
