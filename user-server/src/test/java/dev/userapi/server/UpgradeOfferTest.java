package dev.userapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.DefaultUserService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request that offers a protocol upgrade the REST listener does not speak is answered as the
 * HTTP/1.1 request it also is: same headers, body decoded, connection kept.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpgradeOfferTest {
  private static UserServer server;

  @BeforeAll
  static void start() {
    server =
        UserServer.builder(DefaultUserService.inMemory())
            .restPort(0)
            .grpcPort(0)
            .blockingStore(false)
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2c", "websocket"})
  void anUnsupportedUpgradeGetsTheUsualResponseAndTheConnectionStaysOpen(String protocol)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.restPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String body = "{\"name\":\"Ada\",\"email\":\"ada-" + protocol + "@upgrade.example.com\"}";
      out.write(
          ("POST /api/users HTTP/1.1\r\nHost: localhost\r\n"
                  + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: "
                  + protocol
                  + "\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n"
                  + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + Integer.toHexString(body.length())
                  + "\r\n"
                  + body
                  + "\r\n0\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();

      List<String> created = readHead(in);
      assertThat(created.get(0)).isEqualTo("HTTP/1.1 201 Created");
      assertThat(created).contains("content-type: application/json");
      assertThat(created).noneMatch(line -> line.startsWith("connection: close"));
      skipBody(in, created);

      out.write(
          "GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      List<String> health = readHead(in);
      assertThat(health.get(0)).isEqualTo("HTTP/1.1 200 OK");
      assertThat(health).contains("content-type: application/json");
    }
  }

  @Test
  void javaNetHttpsDefaultClientGetsTheContentTypeOnItsFirstRequest() throws Exception {
    // Its default version is HTTP/2, so over http:// it offers Upgrade: h2c on a new connection.
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> health =
        client.send(
            HttpRequest.newBuilder(server.restUri().resolve("api/health")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(health.body()).contains("SERVING");
  }

  @Test
  void withHttp2OnTheSameOfferIsTakenAndTheAnswerKeepsItsContentType() throws Exception {
    try (UserServer h2 =
        UserServer.builder(DefaultUserService.inMemory())
            .restPort(0)
            .grpcPort(0)
            .blockingStore(false)
            .http2(true)
            .build()
            .start()) {
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(h2.restUri().resolve("api/health")).build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(health.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(health.body()).contains("SERVING");
    }
  }

  /** The status line, then the header lines in lower case. */
  private static List<String> readHead(BufferedReader in) throws IOException {
    List<String> head = new ArrayList<>();
    head.add(in.readLine());
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      head.add(line.toLowerCase(Locale.ROOT));
    }
    return head;
  }

  private static void skipBody(BufferedReader in, List<String> head) throws IOException {
    int length =
        head.stream()
            .filter(line -> line.startsWith("content-length: "))
            .map(line -> Integer.parseInt(line.substring("content-length: ".length())))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no content-length in " + head));
    char[] body = new char[length];
    int read = 0;
    while (read < length) {
      int n = in.read(body, read, length - read);
      assertThat(n).isPositive();
      read += n;
    }
  }
}
