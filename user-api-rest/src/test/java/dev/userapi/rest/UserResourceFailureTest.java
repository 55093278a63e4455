package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserService;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failures of the service behind the resource, as HTTP sees them. */
class UserResourceFailureTest {
  private static final ObjectMapper json = new ObjectMapper();
  private static final String SOME_ID = "0190a0a0-0000-7000-8000-000000000000";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anUnexpectedFailureIsATerse500WithALogId() throws Exception {
    server =
        serving(failingGet(new IllegalStateException("pool db-7 exhausted at com.example.Db")));

    HttpResponse<String> response = get("api/users/" + SOME_ID);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.get("code").asText()).isEqualTo("INTERNAL");
    assertThat(problem.get("detail").asText())
        .matches("an internal error occurred; it has been logged \\(ID [0-9a-f]{12}\\)");
    assertThat(response.body()).doesNotContain("IllegalState", "db-7", "com.example", "Exception");
  }

  @Test
  void unauthenticatedIs401WithAChallenge() throws Exception {
    server = serving(failingGet(new UserException(ErrorCode.UNAUTHENTICATED, "no token")));

    HttpResponse<String> response = get("api/users/" + SOME_ID);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(json.readTree(response.body()).get("code").asText()).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void permissionDeniedIs403() throws Exception {
    server = serving(failingGet(new UserException(ErrorCode.PERMISSION_DENIED, "not yours")));

    assertThat(get("api/users/" + SOME_ID).statusCode()).isEqualTo(403);
  }

  @Test
  void unavailableAndDeadlineExceededAre503And504() throws Exception {
    server = serving(failingGet(new UserException(ErrorCode.UNAVAILABLE, "backend down")));
    assertThat(get("api/users/" + SOME_ID).statusCode()).isEqualTo(503);
    server.close();

    server = serving(failingGet(new UserException(ErrorCode.DEADLINE_EXCEEDED, "too slow")));
    assertThat(get("api/users/" + SOME_ID).statusCode()).isEqualTo(504);
  }

  @Test
  void aBatchOverTheServiceLimitIs429() throws Exception {
    server =
        serving(
            DefaultUserService.builder()
                .repository(new dev.userapi.core.InMemoryUserRepository())
                .maxBatchSize(2)
                .build());
    String three =
        "[{\"name\":\"a\",\"email\":\"a@example.com\"},{\"name\":\"b\",\"email\":\"b@example.com\"},"
            + "{\"name\":\"c\",\"email\":\"c@example.com\"}]";

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(server.uri("api/users:batchCreate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(three))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(json.readTree(response.body()).get("code").asText()).isEqualTo("RESOURCE_EXHAUSTED");
  }

  @Test
  void aServiceThatIsNotServingAnswersHealthWith503() throws Exception {
    server =
        serving(
            new DelegatingUserService(DefaultUserService.inMemory()) {
              @Override
              public HealthStatus health() {
                return HealthStatus.NOT_SERVING;
              }
            });

    HttpResponse<String> response = get("api/health");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(json.readTree(response.body()).get("status").asText()).isEqualTo("NOT_SERVING");
  }

  private static UserService failingGet(RuntimeException failure) {
    return new DelegatingUserService(DefaultUserService.inMemory()) {
      @Override
      public User get(String id) {
        throw failure;
      }
    };
  }

  private static TestServer serving(UserService service) throws Exception {
    return TestServer.start(UserApiFeature.of(service));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
