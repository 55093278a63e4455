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
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
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

  /**
   * Every meter in the registry as {@code name{tag=value,...}} with all its tags, sorted: comparing
   * the whole set catches a missing meter and an extra (say, unbounded) tag alike.
   */
  private Set<String> meters() {
    return registry.getMeters().stream()
        .map(
            m ->
                m.getId().getName()
                    + m.getId().getTags().stream()
                        .sorted()
                        .map(t -> t.getKey() + "=" + t.getValue())
                        .collect(Collectors.joining(",", "{", "}")))
        .collect(Collectors.toSet());
  }

  private static String callsMeter(String method, String code, int status) {
    return meter(RestMetrics.CALLS, method, code, status);
  }

  private static String errorsMeter(String method, String code, int status) {
    return meter(RestMetrics.ERRORS, method, code, status);
  }

  private static String meter(String name, String method, String code, int status) {
    return name + "{code=" + code + ",method=" + method + ",protocol=rest,status=" + status + "}";
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
    assertThat(meters())
        .containsExactlyInAnyOrder(
            callsMeter("CREATE", "OK", 201),
            callsMeter("GET", "OK", 200),
            callsMeter("DELETE", "OK", 204));
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
    assertThat(meters())
        .containsExactlyInAnyOrder(
            callsMeter("CREATE", "OK", 201),
            callsMeter("DELETE", "OK", 204),
            callsMeter("GET", "NOT_FOUND", 404),
            errorsMeter("GET", "NOT_FOUND", 404),
            callsMeter("CREATE", "INVALID_ARGUMENT", 400),
            errorsMeter("CREATE", "INVALID_ARGUMENT", 400));
  }

  @Test
  void anNdjsonStreamIsRecordedOnceWhenItEnds() {
    client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.create(NewUser.of("Bob", "bob@example.com"), null);

    List<User> all = BlockingStream.toList(client.stream(UserFilter.all()));

    assertThat(all).hasSize(2);
    awaitCount("STREAM", "OK", 200, 1);
    assertThat(meters())
        .containsExactlyInAnyOrder(
            callsMeter("CREATE", "OK", 201), callsMeter("STREAM", "OK", 200));
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
    assertThat(meters())
        .containsExactlyInAnyOrder(
            callsMeter("health", "OK", 200),
            callsMeter("unmatched", "NOT_FOUND", 404),
            errorsMeter("unmatched", "NOT_FOUND", 404));
  }

  @Test
  void eachUserOperationIsItsOwnTagWhateverItsHttpMethod() {
    User ada = client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.update(ada.id(), UserUpdate.builder().name("Ada L.").build(), null);
    client.replace(ada.id(), NewUser.of("Ada", "ada@example.com"), null);
    client.list(UserQuery.firstPage(UserFilter.all(), 10));
    client.createAll(List.of(NewUser.of("Bob", "bob@example.com")));

    awaitCount("CREATE_ALL", "OK", 200, 1);
    awaitCount("LIST", "OK", 200, 1);
    assertThat(meters())
        .containsExactlyInAnyOrder(
            callsMeter("CREATE", "OK", 201),
            callsMeter("UPDATE", "OK", 200),
            callsMeter("REPLACE", "OK", 200),
            callsMeter("LIST", "OK", 200),
            callsMeter("CREATE_ALL", "OK", 200));
  }
}
