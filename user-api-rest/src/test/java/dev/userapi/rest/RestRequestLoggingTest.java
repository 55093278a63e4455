package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RestRequestLogging} on Jersey + Grizzly, reading what slf4j-simple writes to {@code
 * System.err}: one line per request, never personal data.
 */
@Timeout(60)
class RestRequestLoggingTest {
  static {
    // Before the logger exists (slf4j-simple reads a logger's level when it creates it).
    System.setProperty("org.slf4j.simpleLogger.log." + RestRequestLogging.LOGGER, "debug");
  }

  private static final String EMAIL = "grace.hopper.secret@example.com";
  private static final String NAME = "Grace Secretname";

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private TestServer server;
  private RestUserClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        TestServer.start(
            UserApiFeature.of(DefaultUserService.inMemory()), RestRequestLogging.feature());
    client = RestUserClient.connect(server.baseUri());
    originalErr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setErr(originalErr);
    client.close();
    server.close();
  }

  private String log() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  private long lines() {
    return log().lines().filter(l -> l.contains(RestRequestLogging.LOGGER)).count();
  }

  @Test
  void eachRequestIsOneDebugLineWithOperationStatusCodeAndDuration() {
    User user = client.create(NewUser.of(NAME, EMAIL), null);
    client.delete(user.id(), null);
    catchThrowableOfType(UserException.class, () -> client.get(user.id()));

    await().atMost(Duration.ofSeconds(10)).until(() -> lines() == 3);
    String log = log();
    assertThat(log)
        .containsPattern("DEBUG " + RestRequestLogging.LOGGER + " - rest CREATE 201 OK [0-9.]+ ms")
        .containsPattern("rest DELETE 204 OK [0-9.]+ ms")
        .containsPattern("rest GET 404 NOT_FOUND [0-9.]+ ms");
  }

  @Test
  void noEmailOrNameEverReachesTheLog() {
    User user = client.create(NewUser.of(NAME, EMAIL), null);
    client.get(user.id());
    client.list(new UserQuery(UserFilter.builder().email(EMAIL).build(), 10, ""));
    BlockingStream.toList(client.stream(UserFilter.builder().email(EMAIL).build()));
    catchThrowableOfType(UserException.class, () -> client.create(NewUser.of(NAME, EMAIL), null));

    await().atMost(Duration.ofSeconds(10)).until(() -> lines() == 5);
    String log = log();
    assertThat(log)
        .contains("rest CREATE 409 ALREADY_EXISTS", "rest LIST 200 OK", "rest STREAM 200 OK");
    assertThat(log)
        .doesNotContain(EMAIL)
        .doesNotContain("grace.hopper")
        .doesNotContain(NAME)
        .doesNotContain("Secretname");
  }
}
