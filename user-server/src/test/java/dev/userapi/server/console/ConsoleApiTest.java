package dev.userapi.server.console;

import static dev.userapi.server.console.ConsoleHttp.get;
import static dev.userapi.server.console.ConsoleHttp.json;
import static dev.userapi.server.console.ConsoleHttp.open;
import static dev.userapi.server.console.ConsoleHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.server.UserServer;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console's API on an open loopback server: info, the demo write and the request log. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleApiTest {
  private static UserServer server;
  private static GrpcUserClient grpc;

  @BeforeAll
  static void start() {
    server = ConsoleHttp.consoleServer().blockingStore(false).webProtocols(true).build().start();
    grpc = GrpcUserClient.connect(server.grpcTarget());
  }

  @AfterAll
  static void stop() {
    if (grpc != null) {
      grpc.close();
    }
    server.close();
  }

  @Test
  void infoDescribesTheServer() throws Exception {
    HttpResponse<String> response = get(server.restUri(), "console/api/info", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/json");
    JsonNode info = json(response);
    assertThat(info.get("version").asText()).isNotEmpty();
    assertThat(info.get("auth").asBoolean()).isFalse();
    assertThat(info.get("tools").asBoolean()).isTrue();
    assertThat(info.get("toolsReason").asText()).isNotEmpty();
    assertThat(info.get("grpc").get("port").asInt()).isEqualTo(server.grpcPort());
    assertThat(info.get("grpc").get("tls").asBoolean()).isFalse();
    assertThat(info.get("webProtocols").asBoolean()).isTrue();
    JsonNode benchmark = info.get("benchmark");
    assertThat(benchmark.get("maxDurationSeconds").asInt()).isEqualTo(30);
    assertThat(benchmark.get("maxTotalSeconds").asInt()).isEqualTo(120);
    assertThat(texts(benchmark.get("protocols")))
        .containsExactly(
            "rest-json", "rest-protobuf", "rest-h2-json", "grpc", "grpc-web", "connect-json");
    assertThat(texts(benchmark.get("workloads"))).containsExactly("get", "list50", "create");
  }

  @Test
  void theDemoWriteCreatesAUserSeenOverRestAndGrpc() throws Exception {
    HttpResponse<String> response = post(server.restUri(), "console/api/demo/write", null, null);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("ETag")).isPresent();
    JsonNode user = json(response);
    String id = user.get("id").asText();
    assertThat(user.get("name").asText()).startsWith("Console demo ");
    assertThat(user.get("email").asText()).endsWith("@console.example.com");
    assertThat(response.headers().firstValue("Location").orElse("")).endsWith("/api/users/" + id);

    HttpResponse<String> overRest = get(server.restUri(), "api/users/" + id, null);
    assertThat(overRest.statusCode()).isEqualTo(200);
    assertThat(json(overRest).get("email").asText()).isEqualTo(user.get("email").asText());
    User overGrpc = grpc.get(id);
    assertThat(overGrpc.name()).isEqualTo(user.get("name").asText());
  }

  @Test
  void theDemoWriteSkipsNumbersAlreadyTaken() throws Exception {
    UserServer fresh = ConsoleHttp.consoleServer().build().start();
    try (GrpcUserClient client = GrpcUserClient.connect(fresh.grpcTarget())) {
      client.create(NewUser.of("Earlier demo", "demo-1@console.example.com"));

      HttpResponse<String> response = post(fresh.restUri(), "console/api/demo/write", null, null);

      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(json(response).get("email").asText()).isEqualTo("demo-2@console.example.com");
    } finally {
      fresh.close();
    }
  }

  @Test
  void theLogShowsRestRequestsAndGrpcCallsWithoutQueriesOrTheConsoleItself() throws Exception {
    // A server of its own, so that the history holds this test's requests only.
    UserServer server = ConsoleHttp.consoleServer().webProtocols(true).build().start();
    HttpResponse<InputStream> stream = open(server.restUri(), "console/api/log", null);
    assertThat(stream.statusCode()).isEqualTo(200);
    try (ConsoleHttp.Events events = new ConsoleHttp.Events(stream.body());
        GrpcUserClient grpc = GrpcUserClient.connect(server.grpcTarget())) {
      User created = grpc.create(NewUser.of("Logged", "logged@log.example.com"));
      get(server.restUri(), "api/users/" + created.id() + "?secret=hush", null);
      get(server.restUri(), "console/api/info", null);
      ConsoleHttp.HTTP.send(
          HttpRequest.newBuilder(server.restUri().resolve("userapi.v1.UserService/GetUser"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + created.id() + "\"}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());

      List<JsonNode> seen =
          events.readUntil(
              "request",
              list ->
                  list.stream().anyMatch(e -> e.get("protocol").asText().equals("rest"))
                      && list.stream().anyMatch(e -> e.get("protocol").asText().equals("connect"))
                      && list.stream().anyMatch(e -> e.get("protocol").asText().equals("grpc")));

      JsonNode rest = only(seen, "rest");
      assertThat(rest.get("method").asText()).isEqualTo("GET");
      assertThat(rest.get("target").asText()).isEqualTo("/api/users/{id}");
      assertThat(rest.get("status").asText()).isEqualTo("200");
      assertThat(rest.get("micros").asLong()).isNotNegative();
      assertThat(rest.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      JsonNode native_ = only(seen, "grpc");
      assertThat(native_.get("method").asText()).isEqualTo("-");
      assertThat(native_.get("target").asText()).isEqualTo("userapi.v1.UserService/CreateUser");
      assertThat(native_.get("status").asText()).isEqualTo("OK");
      JsonNode web = only(seen, "connect");
      assertThat(web.get("target").asText()).isEqualTo("userapi.v1.UserService/GetUser");
      assertThat(web.get("status").asText()).isEqualTo("OK");
      assertThat(String.join("\n", events.raw()))
          .doesNotContain("hush")
          .doesNotContain("logged@log.example.com")
          .doesNotContain(created.id())
          .doesNotContain("console/api");
    } finally {
      server.close();
    }
  }

  @Test
  void anOpenLogStreamEndsWhenTheServerDrains() throws Exception {
    UserServer server = ConsoleHttp.consoleServer().build().start();
    HttpResponse<InputStream> stream = open(server.restUri(), "console/api/log", null);
    assertThat(stream.statusCode()).isEqualTo(200);
    try (InputStream body = stream.body()) {
      assertThat(server.shutdown(java.time.Duration.ofSeconds(20))).isTrue();

      assertThat(body.readAllBytes()).isNotNull(); // returns: the stream ended
    }
  }

  private static JsonNode only(List<JsonNode> events, String protocol) {
    List<JsonNode> matching =
        events.stream().filter(e -> e.get("protocol").asText().equals(protocol)).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }

  private static List<String> texts(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asText)
        .toList();
  }
}
