package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.proto.v1.StreamUsersRequest;
import dev.userapi.proto.v1.UserServiceGrpc;
import dev.userapi.rest.RestUserClient;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that stall (a REST body that stops half way, an NDJSON stream nobody reads, a gRPC stream
 * that never asks for more) cannot take the server's threads or memory away from everyone else, and
 * the idle timeout ends what they hold. Raw sockets and a raw gRPC stub play the misbehaving
 * clients; the real clients play everyone else.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowClientTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int SEEDED = 50_000;

  /** More stalled requests than the server has REST worker threads (16). */
  private static final int STALLED_BODIES = 20;

  private static final int STUCK_READERS = 6;

  private static CountedStreams store;
  private static UserServerCommand server;
  private static GrpcUserClient grpc;
  private static RestUserClient rest;
  private static User someone;

  @BeforeAll
  static void start() {
    store = new CountedStreams(DefaultUserService.inMemory());
    // Long names make the full stream (some 15 MB of NDJSON) far larger than any socket buffer.
    String padding = "x".repeat(180);
    for (int batch = 0; batch < SEEDED; batch += 1000) {
      List<NewUser> users = new ArrayList<>();
      for (int i = batch; i < batch + 1000; i++) {
        users.add(NewUser.of("Seed " + i + " " + padding, "seed" + i + "@slow.example.com", 30));
      }
      assertThat(store.createAll(users)).allMatch(r -> r.succeeded());
    }
    someone = store.list(UserQuery.firstPage(1)).items().get(0);
    // A short idle timeout, so that the server's timeouts show within the test's patience.
    server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0", "--idle-timeout", "2s")
            .start(new Store("counted in-memory", store, false, () -> {}));
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
  void restRequestsWhoseBodyStopsHalfWayAreCutOffWhileOtherClientsAreServed() throws Exception {
    String email = "half@slow.example.com";
    String half = "{\"name\":\"Half Body\",\"email\":\"" + email + "\",";
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < STALLED_BODIES; i++) {
        stalled.add(
            send(
                "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                    + half,
                64 * 1024));
      }

      // A single-user GET, and a large page that needs a worker thread like the stalled bodies.
      assertThat(rest.get(someone.id())).isEqualTo(someone);
      assertThat(grpc.get(someone.id())).isEqualTo(someone);
      assertThat(rest.list(UserQuery.firstPage(500)).items()).hasSize(500);

      // The server gives up on every stalled body: 408, then it closes the connection.
      for (Socket socket : stalled) {
        assertThat(readToEnd(socket)).startsWith("HTTP/1.1 408");
      }
    } finally {
      closeAll(stalled);
    }
    UserFilter byEmail = UserFilter.builder().email(email).build();
    assertThat(rest.list(UserQuery.firstPage(byEmail, 10)).items()).isEmpty();
  }

  @Test
  void ndjsonStreamsNobodyReadsStopPullingFromTheStoreAndAreCutOff() throws Exception {
    UserFilter stuckFilter = UserFilter.builder().namePrefix("Seed").build();
    List<Socket> stuck = new ArrayList<>();
    try {
      for (int i = 0; i < STUCK_READERS; i++) {
        stuck.add(
            send(
                "GET /api/users:stream?namePrefix=Seed HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 4096));
      }
      await()
          .atMost(WAIT)
          .until(
              () ->
                  store.subscriptions(stuckFilter).size() == STUCK_READERS
                      && store.subscriptions(stuckFilter).stream()
                          .allMatch(s -> s.delivered.get() > 0));

      // Everyone else is served on both protocols, streams included.
      assertThat(rest.get(someone.id())).isEqualTo(someone);
      assertThat(grpc.get(someone.id())).isEqualTo(someone);
      assertThat(rest.list(UserQuery.firstPage(500)).items()).hasSize(500);
      assertThat(streamAll(rest, someone.email())).containsExactly(someone);
      assertThat(streamAll(grpc, someone.email())).containsExactly(someone);

      // Back-pressure: no stuck stream has pulled the whole store into memory...
      assertThat(store.subscriptions(stuckFilter))
          .allSatisfy(s -> assertThat(s.completed).as("%s", s).isFalse());
      // ...and the idle timeout ends each one, which frees its worker thread and stream slot.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(store.subscriptions(stuckFilter))
                      .allSatisfy(s -> assertThat(s.open()).as("%s", s).isFalse()));
      assertThat(store.subscriptions(stuckFilter))
          .allSatisfy(s -> assertThat(s.delivered.get()).as("%s", s).isLessThan(SEEDED));
    } finally {
      closeAll(stuck);
    }
  }

  @Test
  void grpcStreamsThatNeverAskForMoreDoNotBlockOtherCallsAndEndAfterTheIdleTimeout() {
    UserFilter stuckFilter = UserFilter.builder().minAge(1).build();
    ManagedChannel channel =
        Grpc.newChannelBuilder(server.grpcTarget(), InsecureChannelCredentials.create()).build();
    try {
      AtomicInteger firstMessages = new AtomicInteger();
      StreamUsersRequest request =
          StreamUsersRequest.newBuilder()
              .setFilter(dev.userapi.proto.v1.UserFilter.newBuilder().setMinAge(1))
              .build();
      for (int i = 0; i < STUCK_READERS; i++) {
        UserServiceGrpc.newStub(channel).streamUsers(request, new OneAndNoMore(firstMessages));
      }
      await()
          .atMost(WAIT)
          .until(
              () ->
                  firstMessages.get() == STUCK_READERS
                      && store.subscriptions(stuckFilter).size() == STUCK_READERS);

      // Other calls on the very same connection, and on another one, are served.
      GrpcUserClient sameConnection = GrpcUserClient.builder().channel(channel).build();
      assertThat(sameConnection.get(someone.id())).isEqualTo(someone);
      assertThat(streamAll(sameConnection, someone.email())).containsExactly(someone);
      assertThat(grpc.get(someone.id())).isEqualTo(someone);
      assertThat(streamAll(grpc, someone.email())).containsExactly(someone);
      assertThat(rest.get(someone.id())).isEqualTo(someone);

      // Flow control holds each stuck stream at a window's worth, far from the whole store...
      assertThat(store.subscriptions(stuckFilter))
          .allSatisfy(s -> assertThat(s.completed).as("%s", s).isFalse());
      // ...and the idle timeout ends each one while its client is still connected, which stops
      // the read of the store and frees its stream slot.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(store.subscriptions(stuckFilter))
                      .allSatisfy(s -> assertThat(s.cancelled).as("%s", s).isTrue()));
      assertThat(sameConnection.get(someone.id())).isEqualTo(someone);
    } finally {
      channel.shutdownNow();
    }
  }

  /** Takes the first message, then never requests another. */
  private static final class OneAndNoMore
      implements ClientResponseObserver<StreamUsersRequest, dev.userapi.proto.v1.User> {
    private final AtomicInteger firstMessages;

    OneAndNoMore(AtomicInteger firstMessages) {
      this.firstMessages = firstMessages;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StreamUsersRequest> requestStream) {
      requestStream.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(dev.userapi.proto.v1.User user) {
      firstMessages.incrementAndGet();
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  private static List<User> streamAll(dev.userapi.core.UserService client, String email) {
    List<User> users = new ArrayList<>();
    try (BlockingStream<User> stream =
        BlockingStream.of(client.stream(UserFilter.builder().email(email).build()))) {
      stream.forEachRemaining(users::add);
    }
    return users;
  }

  /** Opens a loopback connection with a small receive buffer and sends {@code request}. */
  private static Socket send(String request, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(receiveBuffer);
    socket.setSoTimeout((int) WAIT.toMillis());
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.restPort()));
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.UTF_8));
    out.flush();
    return socket;
  }

  /** Reads until the server closes; a hang turns into SocketTimeoutException. */
  private static String readToEnd(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketException e) {
      return ""; // reset by the server: also an answer (a timeout is not a SocketException)
    }
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing a test socket
      }
    }
  }
}
