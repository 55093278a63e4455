package dev.userapi.server.console;

import static dev.userapi.server.console.ConsoleHttp.get;
import static dev.userapi.server.console.ConsoleHttp.json;
import static dev.userapi.server.console.ConsoleHttp.open;
import static dev.userapi.server.console.ConsoleHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.userapi.core.Authenticator;
import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserService;
import dev.userapi.server.UserServer;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console's benchmark endpoints on real servers: a short run over REST and gRPC finishes with
 * results and leaves no users behind; one run at a time; bounded durations; the admin scope.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleBenchmarkTest {
  private static final String SHORT =
      "{\"workloads\":[\"get\"],\"protocols\":[\"rest-json\",\"grpc\"],\"concurrency\":2,"
          + "\"durationSeconds\":1,\"warmupSeconds\":0,\"gzip\":false}";

  private static UserServer.Builder server(UserService users) {
    return UserServer.builder(users).restPort(0).grpcPort(0).blockingStore(false).console(true);
  }

  @Test
  void aOneSecondRunOverRestAndGrpcFinishesWithResultsAndDeletesItsUsers() throws Exception {
    UserService users = DefaultUserService.inMemory();
    try (UserServer server = server(users).build().start()) {
      HttpResponse<String> started = post(server.restUri(), "console/api/benchmarks", null, SHORT);

      assertThat(started.statusCode()).isEqualTo(202);
      JsonNode run = json(started);
      String id = run.get("id").asText();
      assertThat(started.headers().firstValue("Location").orElse(""))
          .endsWith("/console/api/benchmarks/" + id);
      assertThat(run.get("state").asText()).isEqualTo("running");
      assertThat(run.get("note").asText()).contains("in-process");

      List<ConsoleHttp.Events.Named> events = events(server, id, null);
      JsonNode done = done(events);
      assertThat(done.get("state").asText()).isEqualTo("done");
      assertThat(events.stream().filter(e -> e.name().equals("result"))).hasSize(2);
      events.stream()
          .filter(e -> e.name().equals("progress"))
          .forEach(
              e -> {
                assertThat(e.data().get("workload").asText()).isEqualTo("get");
                assertThat(e.data().get("phase").asText()).isIn("warmup", "measure");
              });
      assertThat(done.get("finishedAt").isNull()).isFalse();
      assertThat(done.get("results")).hasSize(2);
      for (JsonNode result : done.get("results")) {
        assertThat(result.get("workload").asText()).isEqualTo("get");
        assertThat(result.get("ops").asLong()).isPositive();
        assertThat(result.get("errors").asLong()).isZero();
        assertThat(result.get("latencyMicros").get("p50").asLong()).isPositive();
        assertThat(result.get("requestBytes").asLong()).isPositive();
        assertThat(result.get("responseBytes").asLong()).isPositive();
      }
      assertThat(texts(done.get("results"), "protocol")).containsExactly("rest-json", "grpc");
      assertThat(done.get("deletedUsers").asLong()).isPositive();
      assertThat(BlockingStream.toList(users.stream(UserFilter.all()))).isEmpty();

      JsonNode listed = json(get(server.restUri(), "console/api/benchmarks", null));
      assertThat(listed).hasSize(1);
      assertThat(listed.get(0).get("state").asText()).isEqualTo("done");
      List<ConsoleHttp.Events.Named> again = events(server, id, null);
      assertThat(again).hasSize(1); // an ended run: done at once
      assertThat(done(again).get("id").asText()).isEqualTo(id);
    }
  }

  @Test
  void aSecondRunWhileOneIsGoingIs409() throws Exception {
    try (UserServer server = server(DefaultUserService.inMemory()).build().start()) {
      HttpResponse<String> first = post(server.restUri(), "console/api/benchmarks", null, SHORT);
      assertThat(first.statusCode()).isEqualTo(202);

      HttpResponse<String> second = post(server.restUri(), "console/api/benchmarks", null, SHORT);

      assertThat(second.statusCode()).isEqualTo(409);
      assertThat(second.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      events(server, json(first).get("id").asText(), null);
      assertThat(post(server.restUri(), "console/api/benchmarks", null, SHORT).statusCode())
          .isEqualTo(202);
      events(server, "2", null);
    }
  }

  @Test
  void anOverLongDurationOrAnUnknownProtocolIs400AndStartsNothing() throws Exception {
    try (UserServer server = server(DefaultUserService.inMemory()).build().start()) {
      HttpResponse<String> tooLong =
          post(
              server.restUri(),
              "console/api/benchmarks",
              null,
              SHORT.replace("\"durationSeconds\":1", "\"durationSeconds\":1000"));
      HttpResponse<String> unknown =
          post(server.restUri(), "console/api/benchmarks", null, SHORT.replace("grpc\"", "soap\""));

      assertThat(tooLong.statusCode()).isEqualTo(400);
      assertThat(json(tooLong).get("errors").get(0).get("field").asText())
          .isEqualTo("durationSeconds");
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(json(unknown).get("detail").asText()).contains("soap");
      assertThat(json(get(server.restUri(), "console/api/benchmarks", null))).isEmpty();
    }
  }

  @Test
  void withTokensAndTheToolsTurnedOnARunNeedsTheAdminScope() throws Exception {
    Authenticator tokens =
        Authenticator.staticTokens(
            Map.of(
                "writer-secret", new Principal("writer", Set.of(Scopes.WRITE)),
                "admin-secret", new Principal("admin", Set.of(Scopes.ADMIN))));
    try (UserServer server =
        server(DefaultUserService.inMemory())
            .authenticator(tokens)
            .consoleTools(true)
            .build()
            .start()) {
      String path = "console/api/benchmarks";
      assertThat(post(server.restUri(), path, null, SHORT).statusCode()).isEqualTo(401);
      assertThat(post(server.restUri(), path, "writer-secret", SHORT).statusCode()).isEqualTo(403);
      HttpResponse<String> admin = post(server.restUri(), path, "admin-secret", SHORT);
      assertThat(admin.statusCode()).isEqualTo(202);

      // The engine called with the admin's token: its calls were served, not refused.
      JsonNode done = done(events(server, json(admin).get("id").asText(), "admin-secret"));
      assertThat(done.get("state").asText()).isEqualTo("done");
      for (JsonNode result : done.get("results")) {
        assertThat(result.get("ops").asLong()).isPositive();
        assertThat(result.get("errors").asLong()).isZero();
      }
    }
  }

  @Test
  void theDrainCancelsARunAndItsUsersAreDeleted() throws Exception {
    UserService users = DefaultUserService.inMemory();
    UserServer server = server(users).build().start();
    try {
      HttpResponse<String> started =
          post(
              server.restUri(),
              "console/api/benchmarks",
              null,
              "{\"workloads\":[\"create\"],\"protocols\":[\"grpc\"],\"concurrency\":2,"
                  + "\"durationSeconds\":30,\"warmupSeconds\":0}");
      assertThat(started.statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(30)).until(() -> count(users) > 0);
    } finally {
      assertThat(server.shutdown(Duration.ofSeconds(10))).isTrue();
    }

    // Cancelled, the run ends within a second or so and deletes what it created; left running,
    // it would go on for its 30 seconds before the clean-up.
    await().atMost(Duration.ofSeconds(15)).until(() -> count(users) == 0);
  }

  private static long count(UserService users) {
    return BlockingStream.toList(users.stream(UserFilter.all())).size();
  }

  /** Every event until the stream ends, which it must do right after {@code done}. */
  private static List<ConsoleHttp.Events.Named> events(UserServer server, String id, String token)
      throws Exception {
    HttpResponse<InputStream> response =
        open(server.restUri(), "console/api/benchmarks/" + id + "/events", token);
    assertThat(response.statusCode()).isEqualTo(200);
    try (ConsoleHttp.Events events = new ConsoleHttp.Events(response.body())) {
      List<ConsoleHttp.Events.Named> all = events.readToEnd();
      assertThat(all).isNotEmpty();
      assertThat(all.get(all.size() - 1).name()).isEqualTo("done");
      assertThat(all.stream().filter(e -> e.name().equals("done"))).hasSize(1);
      return all;
    }
  }

  private static JsonNode done(List<ConsoleHttp.Events.Named> events) {
    return events.get(events.size() - 1).data();
  }

  private static List<String> texts(JsonNode array, String member) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false)
        .map(n -> n.get(member).asText())
        .toList();
  }
}
