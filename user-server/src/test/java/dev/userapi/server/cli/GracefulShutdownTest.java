package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GracefulShutdownTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private GatedUserService gated;
  private UserServerCommand server;
  private GrpcUserClient grpc;
  private RestUserClient rest;

  @BeforeEach
  void start() {
    gated = new GatedUserService(DefaultUserService.inMemory());
    // The gate blocks, so the store is declared blocking: calls run on workers, not the event loop.
    server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0", "--grace-period", "30s")
            .start(new Store("gated in-memory", gated, true, () -> {}));
    grpc = GrpcUserClient.connect(server.grpcTarget());
    rest = RestUserClient.connect(server.restUri());
  }

  @AfterEach
  void stop() {
    gated.release();
    rest.close();
    grpc.close();
    server.shutdown(Duration.ZERO);
  }

  @Test
  void anOpenGrpcWatchEndsCleanlyWhileAnInFlightCallStillCompletes() throws Exception {
    User ada = grpc.create(NewUser.of("Ada", "ada@example.com", 36));
    try (BlockingStream<UserEvent> watch =
        BlockingStream.of(grpc.watch(UserService.WATCH_FROM_NOW))) {
      awaitLive(watch, ada);
      gated.arm(ada.id());
      CompletableFuture<User> inFlight = CompletableFuture.supplyAsync(() -> grpc.get(ada.id()));
      gated.awaitEntered();

      CompletableFuture<Void> shutdown =
          CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(30)));

      // The watch ends normally (no error) while the unary call is still held at the gate.
      assertThat(watch.hasNext(WAIT)).isFalse();
      assertThat(inFlight).isNotDone();
      gated.release();
      assertThat(inFlight.get(20, TimeUnit.SECONDS).id()).isEqualTo(ada.id());
      shutdown.get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void anOpenSseWatchEndsCleanlyWhileAnInFlightRestCallStillCompletes() throws Exception {
    User ada = rest.create(NewUser.of("Ada", "ada@example.com", 36));
    try (BlockingStream<UserEvent> watch =
        BlockingStream.of(rest.watch(UserService.WATCH_FROM_NOW))) {
      awaitLive(watch, ada);
      gated.arm(ada.id());
      CompletableFuture<User> inFlight = CompletableFuture.supplyAsync(() -> rest.get(ada.id()));
      gated.awaitEntered();

      CompletableFuture<Void> shutdown =
          CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(30)));

      // The SSE stream ends normally (no error event) while the GET is still held at the gate.
      assertThat(watch.hasNext(WAIT)).isFalse();
      assertThat(inFlight).isNotDone();
      gated.release();
      User got = inFlight.get(20, TimeUnit.SECONDS);
      assertThat(got.id()).isEqualTo(ada.id());
      shutdown.get(20, TimeUnit.SECONDS);
    }
  }

  /**
   * A watcher that hangs up leaves Grizzly counting its suspended response as in flight for good
   * (Grizzly 4.0.2 cancels it on close without completing it), which used to hold every graceful
   * shutdown for its whole grace period.
   */
  @Test
  void aSseWatcherThatHungUpDoesNotHoldTheShutdownForItsGracePeriod() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.restPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket
          .getOutputStream()
          .write(
              ("GET /api/users:watch HTTP/1.1\r\nHost: localhost\r\n"
                      + "Accept: text/event-stream\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
      socket.setSoLinger(true, 0); // close with a reset, as a killed process does
    }
    // Each write sends an event to the departed watcher, and so finds it gone.
    for (int i = 0; i < 3; i++) {
      grpc.create(NewUser.of("After", "after-" + i + "@example.com"));
    }

    CompletableFuture<Void> shutdown =
        CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(45)));

    // Nothing is in flight, so the drain ends long before the 45 s grace period would.
    shutdown.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("the response head ended early").isNotNegative();
      head.append((char) b);
    }
    return head.toString();
  }

  @Test
  void restHealthStopsReportingServingWhileAnInFlightRestCallDrains() throws Exception {
    User ada = rest.create(NewUser.of("Ada", "ada@example.com", 36));
    gated.arm(ada.id());
    CompletableFuture<User> inFlight = CompletableFuture.supplyAsync(() -> rest.get(ada.id()));
    gated.awaitEntered();
    // A keep-alive connection opened before the drain: the checks below all travel on it, so a
    // refused or dropped connection fails the test instead of passing for NOT_SERVING.
    try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), server.restPort())) {
      probe.setSoTimeout((int) WAIT.toMillis());
      assertThat(health(probe)).startsWith("HTTP/1.1 200").contains("SERVING");

      CompletableFuture<Void> shutdown =
          CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(30)));

      // Until the drain reaches the HTTP layer the health resource answers (SERVING, then
      // NOT_SERVING); from then on Grizzly answers a request on a live connection with its own 503
      // before closing it. Either 503 says "not serving"; a connection closed unanswered fails.
      List<String> answers = new ArrayList<>();
      org.awaitility.Awaitility.await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                answers.add(health(probe));
                assertThat(answers.get(answers.size() - 1)).doesNotStartWith("HTTP/1.1 200");
              });
      assertThat(answers.get(answers.size() - 1))
          .startsWith("HTTP/1.1 503")
          .containsAnyOf("\"NOT_SERVING\"", "the server is shutting down");
      assertThat(inFlight).as("the drain is still under way").isNotDone();
      gated.release();
      assertThat(inFlight.get(20, TimeUnit.SECONDS).id()).isEqualTo(ada.id());
      shutdown.get(20, TimeUnit.SECONDS);
    }
  }

  /** Asks {@code GET /api/health} on {@code connection}, keeping it open; the whole response. */
  private static String health(Socket connection) throws IOException {
    connection
        .getOutputStream()
        .write(
            "GET /api/health HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    InputStream in = connection.getInputStream();
    String head = readHead(in);
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    assertThat(length.find()).as("a health answer with a length: %s", head).isTrue();
    byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
    return head + new String(body, StandardCharsets.UTF_8);
  }

  @Test
  void callsAfterShutdownAreRefusedAsUnavailable() {
    server.shutdown(Duration.ofSeconds(5));

    assertThatThrownBy(() -> grpc.get("01a21285-7fcd-7000-9c1a-9fd14d31ee73"))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  /** Writes until the watch shows the write, so the watch is known to be open on the server. */
  private void awaitLive(BlockingStream<UserEvent> watch, User user) {
    // A REST watch opens a round trip after watch() returns: write until one write shows.
    for (int age = 1; ; age++) {
      assertThat(age).as("writes before the watch showed one").isLessThan(100);
      grpc.update(user.id(), UserUpdate.builder().age(age).build(), null);
      try {
        if (watch.hasNext(Duration.ofMillis(500)) && watch.next().user().id().equals(user.id())) {
          return;
        }
      } catch (UserException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
      }
    }
  }
}
