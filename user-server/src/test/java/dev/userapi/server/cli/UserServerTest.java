package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both protocols of one running {@link UserServerCommand}, end to end over loopback sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UserServerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int SEEDED = 1500;

  private static UserServerCommand server;
  private static GrpcUserClient grpc;
  private static RestUserClient rest;

  @BeforeAll
  static void start() {
    server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0", "--seed", "" + SEEDED)
            .start();
    grpc = GrpcUserClient.connect(server.grpcTarget());
    rest = RestUserClient.connect(server.restUri());
  }

  @AfterAll
  static void stop() {
    rest.close();
    grpc.close();
    server.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void aUserCreatedOverRestIsReadOverGrpc() {
    User ada = rest.create(NewUser.of("Ada Lovelace", "ada@rest-to-grpc.example.com", 36));

    assertThat(grpc.get(ada.id())).isEqualTo(ada);
  }

  @Test
  void aUserCreatedOverGrpcIsReadAndUpdatedOverRest() {
    User grace = grpc.create(NewUser.of("Grace Hopper", "grace@grpc-to-rest.example.com", 85));

    assertThat(rest.get(grace.id())).isEqualTo(grace);
    User older = rest.update(grace.id(), UserUpdate.builder().age(86).build(), grace.etag());
    assertThat(grpc.get(grace.id())).isEqualTo(older);
  }

  @Test
  void aGrpcWatchSeesARestWrite() {
    User alan = rest.create(NewUser.of("Alan Turing", "alan@rest-write.example.com", 41));
    try (BlockingStream<UserEvent> watch =
        BlockingStream.of(grpc.watch(UserService.WATCH_FROM_NOW))) {
      User seen = writeUntilSeen(watch, alan, rest);

      assertThat(seen.email()).isEqualTo("alan@rest-write.example.com");
      assertThat(rest.get(alan.id())).isEqualTo(seen);
    }
  }

  @Test
  void anSseWatchSeesAGrpcWrite() {
    User barbara = grpc.create(NewUser.of("Barbara Liskov", "barbara@grpc-write.example.com", 86));
    try (BlockingStream<UserEvent> watch =
        BlockingStream.of(rest.watch(UserService.WATCH_FROM_NOW))) {
      User seen = writeUntilSeen(watch, barbara, grpc);

      assertThat(seen.email()).isEqualTo("barbara@grpc-write.example.com");
      assertThat(grpc.get(barbara.id())).isEqualTo(seen);
    }
  }

  @Test
  void theNdjsonStreamDeliversEverySeededUserInOrder() {
    List<User> streamed;
    try (BlockingStream<User> stream =
        BlockingStream.of(rest.stream(UserFilter.builder().namePrefix("").build()))) {
      streamed = new ArrayList<>();
      stream.forEachRemaining(streamed::add);
    }

    assertThat(streamed).hasSizeGreaterThanOrEqualTo(SEEDED);
    assertThat(streamed).extracting(User::id).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aBatchCreateOverRestIsVisibleOverGrpc() {
    List<NewUser> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batch.add(NewUser.of("Batch " + i, "batch" + i + "@batch.example.com", 30));
    }
    batch.add(NewUser.of("No At", "no-at-sign"));

    List<CreateResult> results = rest.createAll(batch);

    assertThat(results).hasSize(301);
    assertThat(results.subList(0, 300)).allMatch(CreateResult::succeeded);
    assertThat(results.get(300).succeeded()).isFalse();
    assertThat(grpc.get(results.get(299).user().id()).email())
        .isEqualTo("batch299@batch.example.com");
  }

  @Test
  void aLargePageIsServedWhole() {
    assertThat(rest.list(dev.userapi.core.UserQuery.firstPage(1000)).items()).hasSize(1000);
  }

  @Test
  void restAndGrpcReportTheSameHealth() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(server.restUri().resolve("api/health")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("SERVING");
    assertThat(grpc.health()).isEqualTo(rest.health());
  }

  @Test
  void theOpenApiDocumentAndSwaggerUiAreServed() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI root = server.restUri();

    HttpResponse<String> doc =
        http.send(
            HttpRequest.newBuilder(root.resolve("api/openapi.yaml")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> init =
        http.send(
            HttpRequest.newBuilder(root.resolve("docs/swagger-initializer.js")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(doc.statusCode()).isEqualTo(200);
    assertThat(doc.body()).startsWith("openapi: 3.1").contains("/api/users:watch");
    assertThat(init.body()).contains("/api/openapi.yaml");
  }

  /**
   * A watch "from now" is open once the server has subscribed it, a round trip after watch()
   * returns on either protocol: change the user through {@code writer} until the watch shows it.
   */
  private static User writeUntilSeen(
      BlockingStream<UserEvent> watch, User user, UserService writer) {
    for (int age = 1; age < 100; age++) {
      User written = writer.update(user.id(), UserUpdate.builder().age(age).build(), null);
      try {
        while (watch.hasNext(Duration.ofMillis(500))) {
          UserEvent event = watch.next();
          if (event.user().id().equals(user.id()) && event.user().etag().equals(written.etag())) {
            return event.user();
          }
        }
        throw new AssertionError("the watch ended");
      } catch (dev.userapi.core.UserException e) {
        assertThat(e.code()).isEqualTo(dev.userapi.core.ErrorCode.DEADLINE_EXCEEDED);
      }
    }
    throw new AssertionError("the watch showed none of 99 writes");
  }
}
