package dev.userapi.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.server.ServerTls;
import dev.userapi.server.UserServer;
import dev.userapi.testkit.TestCertificates;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under TLS the console's clients call the server over TLS, trusting exactly its own certificate;
 * the benchmark, whose engine speaks cleartext, is refused with 400.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleClientsOverTlsTest {
  @TempDir static Path files;
  private static TestCertificates certs;
  private static UserServer server;
  private static HttpClient https;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.generate();
    Path cert = Files.writeString(files.resolve("server.pem"), certs.serverCertificateChainPem());
    Path key = Files.writeString(files.resolve("server.key"), certs.serverPrivateKeyPem());
    server =
        ConsoleHttp.consoleServer()
            .blockingStore(false)
            .tls(ServerTls.fromPem(cert, key))
            .build()
            .start();
    https =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(certs.trustingSslContext())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void bothClientScenariosPassOverTls() throws Exception {
    for (String kind : new String[] {"grpc", "rest"}) {
      HttpResponse<String> response = post("console/api/clients/" + kind, "");

      assertThat(response.statusCode()).isEqualTo(200);
      String[] lines = response.body().split("\n");
      assertThat(lines[0])
          .contains(kind.equals("grpc") ? "GrpcUserClient" : "RestUserClient", "TLS");
      assertThat(lines[lines.length - 1]).as(response.body()).isEqualTo("scenario passed");
    }
  }

  @Test
  void theBenchmarkIsRefusedOnATlsServer() throws Exception {
    HttpResponse<String> response =
        post(
            "console/api/benchmarks",
            "{\"workloads\":[\"get\"],\"protocols\":[\"grpc\"],\"durationSeconds\":1}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("cleartext");
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return https.send(
        HttpRequest.newBuilder(server.restUri().resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
