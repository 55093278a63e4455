package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RestMetrics} through {@link UserApiFeature.Builder#meterRegistry} on Jersey + Grizzly. */
@Timeout(60)
class RestMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TestServer server;
  private RestUserClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        TestServer.start(
            UserApiFeature.builder(DefaultUserService.inMemory()).meterRegistry(registry).build());
    client = RestUserClient.connect(server.baseUri());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private Timer timer(String method, String code, int status) {
    return registry
        .find(RestMetrics.CALLS)
        .tags(
            "protocol", "rest", "method", method, "code", code, "status", Integer.toString(status))
        .timer();
  }

  private Counter errors(String method, String code, int status) {
    return registry
        .find(RestMetrics.ERRORS)
        .tags(
            "protocol", "rest", "method", method, "code", code, "status", Integer.toString(status))
        .counter();
  }

  /** The response may reach the client just before the server finishes recording it. */
  private void awaitCount(String method, String code, int status, long count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                timer(method, code, status) != null
                    && timer(method, code, status).count() == count);
  }

  @Test
  void everyRequestIsTimedByOperationOutcomeAndStatus() {
    User ada = client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.get(ada.id());
    client.get(ada.id());
    client.delete(ada.id(), null);

    awaitCount("CREATE", "OK", 201, 1);
    awaitCount("GET", "OK", 200, 2);
    awaitCount("DELETE", "OK", 204, 1);
    assertThat(registry.find(RestMetrics.ERRORS).counters()).isEmpty();
  }

  @Test
  void aFailedRequestIsTimedAndCountedUnderItsErrorCode() {
    User ada = client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.delete(ada.id(), null);

    UserException missing = catchThrowableOfType(UserException.class, () -> client.get(ada.id()));
    UserException invalid =
        catchThrowableOfType(UserException.class, () -> client.create(NewUser.of("", "x"), null));

    assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    awaitCount("GET", "NOT_FOUND", 404, 1);
    awaitCount("CREATE", "INVALID_ARGUMENT", 400, 1);
    assertThat(errors("GET", "NOT_FOUND", 404).count()).isEqualTo(1);
    assertThat(errors("CREATE", "INVALID_ARGUMENT", 400).count()).isEqualTo(1);
  }

  @Test
  void anNdjsonStreamIsRecordedOnceWhenItEnds() {
    client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.create(NewUser.of("Bob", "bob@example.com"), null);

    List<User> all = BlockingStream.toList(client.stream(UserFilter.all()));

    assertThat(all).hasSize(2);
    awaitCount("STREAM", "OK", 200, 1);
  }

  @Test
  void requestsOutsideTheUserOperationsAreTaggedBoundedly() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI health = server.uri("api/health");
    URI nowhere = server.uri("api/no/such/path?email=ada@example.com");

    http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding());
    http.send(HttpRequest.newBuilder(nowhere).build(), HttpResponse.BodyHandlers.discarding());

    awaitCount("health", "OK", 200, 1);
    awaitCount("unmatched", "NOT_FOUND", 404, 1);
  }
}
