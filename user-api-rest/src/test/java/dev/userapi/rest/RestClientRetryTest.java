package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserUpdate;
import dev.userapi.testkit.FlakyUserService;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retries of {@link RestUserClient} against real servers on loopback: idempotent requests are
 * repeated after a 503 or a dropped connection, POST and PATCH never are, and a server that dies
 * during a create leaves at most the one user it accepted.
 */
class RestClientRetryTest {
  private final DefaultUserService store = DefaultUserService.inMemory();
  private final FlakyUserService flaky = new FlakyUserService(store);
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    flaky.release();
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void aGetIsRetriedAfter503AndSucceeds() throws IOException {
    User ada = store.create(NewUser.of("Ada", "ada@example.com"), null);
    RestUserClient client = clientOf(start());
    flaky.failNext(ErrorCode.UNAVAILABLE);

    assertThat(client.get(ada.id())).isEqualTo(ada);
    assertThat(flaky.gets()).isEqualTo(2);
  }

  @Test
  void listStreamReplaceAndDeleteAreRetriedAfter503() throws IOException {
    User ada = store.create(NewUser.of("Ada", "ada@example.com"), null);
    RestUserClient client = clientOf(start());

    flaky.failNext(ErrorCode.UNAVAILABLE);
    assertThat(client.list(UserQuery.firstPage(10)).items()).containsExactly(ada);
    flaky.failNext(ErrorCode.UNAVAILABLE);
    assertThat(BlockingStream.toList(client.stream(UserFilter.all()))).containsExactly(ada);
    flaky.failNext(ErrorCode.UNAVAILABLE);
    User replaced = client.replace(ada.id(), NewUser.of("Ada L", "ada@example.com"), ada.etag());
    flaky.failNext(ErrorCode.UNAVAILABLE);
    client.delete(ada.id(), replaced.etag());

    assertThat(flaky.lists()).isEqualTo(2);
    assertThat(flaky.streams()).isEqualTo(2);
    assertThat(flaky.replaces()).isEqualTo(2);
    assertThat(flaky.deletes()).isEqualTo(2);
    assertThat(store.list(UserQuery.firstPage(10)).items()).isEmpty();
  }

  @Test
  void aGetThatStaysUnavailableFailsAfterMaxAttempts() throws IOException {
    RestUserClient client = clientOf(start());
    flaky.failNext(ErrorCode.UNAVAILABLE, 10);

    assertCode(() -> client.get("u1"), ErrorCode.UNAVAILABLE);
    assertThat(flaky.gets()).isEqualTo(3);
  }

  @Test
  void maxAttemptsOfOneTurnsRetriesOff() throws IOException {
    TestServer server = start();
    RestUserClient client =
        track(RestUserClient.builder().baseUri(server.baseUri()).maxAttempts(1).build());
    flaky.failNext(ErrorCode.UNAVAILABLE);

    assertCode(() -> client.get("u1"), ErrorCode.UNAVAILABLE);
    assertThat(flaky.gets()).isEqualTo(1);
  }

  @Test
  void maxAttemptsBelowOneIsRejected() {
    assertThatThrownBy(() -> RestUserClient.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts: 0 (expected: >= 1)");
  }

  @Test
  void a503AskingForALongPauseIsNotRetried() throws IOException {
    RestUserClient client = clientOf(start(new RetryAfter("30")));
    flaky.failNext(ErrorCode.UNAVAILABLE);

    assertCode(() -> client.get("u1"), ErrorCode.UNAVAILABLE);
    assertThat(flaky.gets()).isEqualTo(1);
  }

  @Test
  void a503AskingForAShortPauseIsRetried() throws IOException {
    User ada = store.create(NewUser.of("Ada", "ada@example.com"), null);
    RestUserClient client = clientOf(start(new RetryAfter("0")));
    flaky.failNext(ErrorCode.UNAVAILABLE);

    assertThat(client.get(ada.id())).isEqualTo(ada);
    assertThat(flaky.gets()).isEqualTo(2);
  }

  @Test
  void otherErrorsAreNotRetried() throws IOException {
    RestUserClient client = clientOf(start());
    flaky.failNext(ErrorCode.INTERNAL);

    assertCode(() -> client.get("u1"), ErrorCode.INTERNAL);
    assertThat(flaky.gets()).isEqualTo(1);
  }

  @Test
  void aCreateIsNotRetriedAfter503() throws IOException {
    RestUserClient client = clientOf(start());
    flaky.failNext(ErrorCode.UNAVAILABLE);

    assertCode(
        () -> client.create(NewUser.of("Ada", "ada@example.com"), null), ErrorCode.UNAVAILABLE);
    assertThat(flaky.creates()).isEqualTo(1);
    assertThat(store.list(UserQuery.firstPage(10)).items()).isEmpty();
  }

  @Test
  void aBatchCreateIsNotRetriedAfter503() throws IOException {
    RestUserClient client = clientOf(start());
    flaky.failNext(ErrorCode.UNAVAILABLE);

    assertCode(
        () -> client.createAll(List.of(NewUser.of("Ada", "ada@example.com"))),
        ErrorCode.UNAVAILABLE);
    assertThat(flaky.createAlls()).isEqualTo(1);
    assertThat(store.list(UserQuery.firstPage(10)).items()).isEmpty();
  }

  @Test
  void anUpdateIsNotRetriedAfter503() throws IOException {
    User ada = store.create(NewUser.of("Ada", "ada@example.com"), null);
    RestUserClient client = clientOf(start());
    flaky.failNext(ErrorCode.UNAVAILABLE);

    assertCode(
        () -> client.update(ada.id(), UserUpdate.builder().name("Ada L").build(), null),
        ErrorCode.UNAVAILABLE);
    assertThat(flaky.updates()).isEqualTo(1);
    assertThat(store.get(ada.id()).name()).isEqualTo("Ada");
  }

  @Test
  void aGetToAPortWithNothingListeningFailsUnavailable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    RestUserClient client = clientOf(URI.create("http://127.0.0.1:" + port + "/"));

    assertCode(() -> client.get("u1"), ErrorCode.UNAVAILABLE);
  }

  @Test
  void aGetWhoseConnectionsDropIsRetriedABoundedNumberOfTimes() throws IOException {
    DroppingServer server = track(new DroppingServer());
    AttemptCounter attempts = new AttemptCounter();
    RestUserClient client =
        track(RestUserClient.builder().baseUri(server.baseUri()).register(attempts).build());

    assertCode(() -> client.get("u1"), ErrorCode.UNAVAILABLE);
    // The client's attempts are counted where it sends them, above the connector: the JDK's
    // HttpURLConnection under Jersey's default connector sends a bodiless request once more on
    // its own when the connection drops, so the wire sees each attempt once or twice.
    assertThat(attempts.count("GET")).isEqualTo(3);
    assertThat(server.requests("GET")).isBetween(3, 2 * 3);
  }

  @Test
  void aCreateWhoseConnectionDropsBeforeTheAnswerIsSentOnce() throws IOException {
    DroppingServer server = track(new DroppingServer());
    RestUserClient client = clientOf(server.baseUri());

    assertCode(
        () -> client.create(NewUser.of("Ada", "ada@example.com"), null), ErrorCode.UNAVAILABLE);
    assertThat(server.requests("POST")).isEqualTo(1);
  }

  @Test
  void aServerThatDiesDuringACreateLeavesTheCallerUnavailableAndAtMostOneUser() throws Exception {
    TestServer server = start();
    RestUserClient client = clientOf(server);
    flaky.holdCreates();
    CompletableFuture<User> call =
        CompletableFuture.supplyAsync(
            () -> client.create(NewUser.of("Ada", "ada@example.com"), "req-1"));
    assertThat(flaky.awaitCreateEntered(Duration.ofSeconds(10))).isTrue();

    server.close();
    ExecutionException failure =
        catchThrowableOfType(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
    flaky.release();
    assertThat(flaky.awaitCreateDone(Duration.ofSeconds(10))).isTrue();

    assertThat(failure.getCause()).isInstanceOf(UserException.class);
    assertThat(((UserException) failure.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(flaky.creates()).isEqualTo(1);
    List<User> stored = store.list(UserQuery.firstPage(10)).items();
    assertThat(stored).hasSize(1);

    // The documented way out: the caller retries with the same request id (Idempotency-Key).
    RestUserClient again = clientOf(start());
    User ada = again.create(NewUser.of("Ada", "ada@example.com"), "req-1");
    assertThat(ada).isEqualTo(stored.get(0));
    assertThat(store.list(UserQuery.firstPage(10)).items()).hasSize(1);
  }

  private static void assertCode(Runnable call, ErrorCode code) {
    UserException error = catchThrowableOfType(UserException.class, call::run);
    assertThat(error).as("the call's failure").isNotNull();
    assertThat(error.code()).isEqualTo(code);
  }

  private TestServer start(Object... extraComponents) throws IOException {
    return track(TestServer.start(UserApiFeature.of(flaky), extraComponents));
  }

  private RestUserClient clientOf(TestServer server) {
    return clientOf(server.baseUri());
  }

  private RestUserClient clientOf(URI baseUri) {
    return track(RestUserClient.connect(baseUri));
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Counts the requests the client sends, per method, before the connector sees them. */
  static final class AttemptCounter implements ClientRequestFilter {
    private final List<String> methods = new CopyOnWriteArrayList<>();

    @Override
    public void filter(ClientRequestContext request) {
      methods.add(request.getMethod());
    }

    int count(String method) {
      return (int) methods.stream().filter(method::equals).count();
    }
  }

  /** Adds a {@code Retry-After} to every 503. */
  static final class RetryAfter implements ContainerResponseFilter {
    private final String value;

    RetryAfter(String value) {
      this.value = value;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
      if (response.getStatus() == 503) {
        response.getHeaders().putSingle(HttpHeaders.RETRY_AFTER, value);
      }
    }
  }

  /**
   * A loopback socket that reads each request's head and then closes the connection without an
   * answer, counting requests per method.
   */
  static final class DroppingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<String> methods = new ArrayList<>();
    private final Thread acceptor;

    DroppingServer() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(this::acceptAll, "dropping-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    URI baseUri() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    synchronized int requests(String method) {
      return (int) methods.stream().filter(method::equals).count();
    }

    private void acceptAll() {
      while (!socket.isClosed()) {
        try (Socket connection = socket.accept()) {
          BufferedReader head =
              new BufferedReader(
                  new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
          String requestLine = head.readLine();
          if (requestLine == null) {
            continue;
          }
          // Count before the connection closes: the client's next attempt comes after that.
          synchronized (this) {
            methods.add(requestLine.substring(0, requestLine.indexOf(' ')));
          }
          for (String line = head.readLine(); line != null && !line.isEmpty(); ) {
            line = head.readLine();
          }
        } catch (IOException e) {
          if (!socket.isClosed()) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
      acceptor.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
