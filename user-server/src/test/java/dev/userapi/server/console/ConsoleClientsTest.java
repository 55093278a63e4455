package dev.userapi.server.console;

import static dev.userapi.server.console.ConsoleHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.server.UserServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client scenarios the console runs through GrpcUserClient and RestUserClient. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleClientsTest {
  private static UserServer server;

  @BeforeAll
  static void start() {
    server = ConsoleHttp.consoleServer().blockingStore(false).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theGrpcClientScenarioPassesAndStreamsItsLines() throws Exception {
    List<String> lines = run("grpc");

    assertThat(lines.get(0)).contains("GrpcUserClient");
    assertThat(lines.size()).isGreaterThan(10);
    assertThat(lines.get(lines.size() - 1)).isEqualTo("scenario passed");
  }

  @Test
  void theRestClientScenarioPassesAndStreamsItsLines() throws Exception {
    List<String> lines = run("rest");

    assertThat(lines.get(0)).contains("RestUserClient");
    assertThat(lines.size()).isGreaterThan(10);
    assertThat(lines.get(lines.size() - 1)).isEqualTo("scenario passed");
  }

  @Test
  void aSecondRunOfTheSameClientWhileOneIsGoingIs409() throws Exception {
    HttpResponse<java.io.InputStream> first =
        ConsoleHttp.HTTP.send(
            HttpRequest.newBuilder(server.restUri().resolve("console/api/clients/grpc"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(first.statusCode()).isEqualTo(200);
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8))) {
      assertThat(reader.readLine()).contains("GrpcUserClient"); // it is running

      assertThat(post(server.restUri(), "console/api/clients/grpc", null, null).statusCode())
          .isEqualTo(409);

      String line;
      String last = null;
      while ((line = reader.readLine()) != null) {
        last = line;
      }
      assertThat(last).isEqualTo("scenario passed");
    }
  }

  @Test
  void anUnknownClientIs404() throws Exception {
    assertThat(post(server.restUri(), "console/api/clients/soap", null, null).statusCode())
        .isEqualTo(404);
  }

  private static List<String> run(String kind) throws Exception {
    HttpResponse<java.io.InputStream> response =
        ConsoleHttp.HTTP.send(
            HttpRequest.newBuilder(server.restUri().resolve("console/api/clients/" + kind))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    }
    return lines;
  }
}
