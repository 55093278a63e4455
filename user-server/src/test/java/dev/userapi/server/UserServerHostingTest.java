package dev.userapi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link UserServer} as an embedder uses it: built, started and stopped from code. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UserServerHostingTest {

  private static UserServer.Builder onFreePorts(UserService users) {
    return UserServer.builder(users).restPort(0).grpcPort(0).blockingStore(false);
  }

  @Test
  void embeddingBothProtocolsTakesAFewLines() {
    try (UserServer server = onFreePorts(DefaultUserService.inMemory()).build().start();
        RestUserClient rest = RestUserClient.connect(server.restUri());
        GrpcUserClient grpc = GrpcUserClient.connect(server.grpcTarget())) {
      User ada = rest.create(NewUser.of("Ada Lovelace", "ada@hosting.example.com", 36));

      assertThat(grpc.get(ada.id())).isEqualTo(ada);
      assertThat(server.restUri().toString()).startsWith("http://127.0.0.1:");
      assertThat(server.isRunning()).isTrue();
    }
  }

  @Test
  void everyThreadTheServerStartedStopsWithIt() {
    UserServer server = onFreePorts(DefaultUserService.inMemory()).build().start();
    try (RestUserClient rest = RestUserClient.connect(server.restUri());
        GrpcUserClient grpc = GrpcUserClient.connect(server.grpcTarget())) {
      rest.health();
      grpc.health();
    }
    assertThat(serverThreads()).isPositive();

    assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();

    await().atMost(Duration.ofSeconds(10)).until(() -> serverThreads() == 0);
    assertThat(server.isRunning()).isFalse();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "/api/health",
        "/api/users/no-such-user",
        "/%c0%ae",
        "/docs/index.html",
        "/docs/nothing-here"
      })
  void everyResponseOnTheHttpPortCarriesADate(String path) throws Exception {
    try (UserServer server =
        onFreePorts(DefaultUserService.inMemory()).docs(true).build().start()) {
      java.net.http.HttpClient http =
          java.net.http.HttpClient.newBuilder()
              .version(java.net.http.HttpClient.Version.HTTP_1_1)
              .build();
      java.time.Instant before =
          java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      java.net.http.HttpResponse<String> response =
          http.send(
              java.net.http.HttpRequest.newBuilder(server.restUri().resolve(path)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      java.time.Instant after = java.time.Instant.now();

      assertThat(response.headers().allValues("Date"))
          .as("status %d", response.statusCode())
          .hasSize(1);
      java.time.Instant date =
          java.time.ZonedDateTime.parse(
                  response.headers().firstValue("Date").orElseThrow(),
                  java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant();
      assertThat(response.headers().firstValue("Date").orElseThrow()).endsWith(" GMT");
      assertThat(date).isBetween(before, after);
    }
  }

  private static long serverThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("userapi-"))
        .count();
  }

  @Test
  void aRequestArrivingDuringTheDrainGetsProblemJson503WithRetryAfter() throws Exception {
    HeldGet held = new HeldGet(DefaultUserService.inMemory());
    UserServer server = onFreePorts(held).blockingStore(true).build().start();
    User ada = held.create(NewUser.of("Ada", "ada@drain.example.com", 36));
    int port = server.restPort();
    try (Socket keptAlive = new Socket("127.0.0.1", port)) {
      assertThat(exchange(keptAlive, "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
      held.hold(ada.id());
      CompletableFuture<String> inFlight =
          CompletableFuture.supplyAsync(
              () -> send(port, "GET /api/users/" + ada.id() + " HTTP/1.1\r\nHost: x\r\n"));
      held.awaitHeld();
      CompletableFuture<Boolean> shutdown =
          CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(30)));
      await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(port));

      String during =
          exchange(keptAlive, "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

      assertThat(during).startsWith("HTTP/1.1 503");
      assertThat(header(during, "content-type")).as(during).startsWith("application/problem+json");
      assertThat(header(during, "retry-after")).isEqualTo("1");
      assertThat(body(during)).contains("\"code\":\"UNAVAILABLE\"", "\"status\":503");
      assertThat(during.toLowerCase(Locale.ROOT)).doesNotContain("grizzly", "<html");
      held.release();
      assertThat(inFlight.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
      assertThat(shutdown.get(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      held.release();
      server.shutdown(Duration.ZERO);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/docs/../../../../etc/passwd",
        "/docs/%2e%2e/%2e%2e/etc/passwd",
        "/docs/..%2f..%2fetc/passwd",
        "/docs/%c0%ae%c0%ae/etc/passwd",
        "/docs/.%2e/index.html",
        "/docs//etc/passwd",
        "/docs/..\\..\\etc\\passwd",
      })
  void aTraversalAttemptOnStaticFilesGets400Or404InTheApisErrorForm(String path) {
    try (UserServer server = onFreePorts(DefaultUserService.inMemory()).build().start()) {
      String response =
          send(server.restPort(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");

      assertThat(response).matches("(?s)HTTP/1\\.1 (400|404) .*");
      assertThat(header(response, "content-type")).startsWith("application/problem+json");
      assertThat(body(response)).contains("\"code\":").doesNotContain("root:");
      assertThat(response.toLowerCase(Locale.ROOT)).doesNotContain("grizzly", "<html");
    }
  }

  @Test
  void filesOutsideTheDocsAreNotServedAndTheDocsAre() {
    try (UserServer server = onFreePorts(DefaultUserService.inMemory()).build().start()) {
      int port = server.restPort();
      String manifest =
          send(port, "GET /docs/META-INF/MANIFEST.MF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
      String missing =
          send(port, "GET /docs/no-such-file.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
      String index = send(port, "GET /docs/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");

      assertThat(manifest).startsWith("HTTP/1.1 404");
      assertThat(header(manifest, "content-type")).startsWith("application/problem+json");
      assertThat(missing).startsWith("HTTP/1.1 404");
      assertThat(header(missing, "content-type")).startsWith("application/problem+json");
      assertThat(body(missing)).contains("\"code\":\"NOT_FOUND\"");
      assertThat(index).startsWith("HTTP/1.1 200").contains("swagger-ui");
    }
  }

  @Test
  void noResponseNamesTheServerSoftware() {
    try (UserServer server = onFreePorts(DefaultUserService.inMemory()).build().start()) {
      int port = server.restPort();
      for (String request :
          new String[] {
            "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n",
            "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n",
            "GET /docs/nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n",
          }) {
        String response = send(port, request);

        assertThat(header(response, "server")).as(request).isNull();
        assertThat(header(response, "x-powered-by")).as(request).isNull();
        assertThat(response.toLowerCase(Locale.ROOT)).as(request).doesNotContain("grizzly");
      }
    }
  }

  @Test
  void compressedRequestsGetCompressedResponsesFromAddedServicesToo() throws Exception {
    HealthStatusManager extra = new HealthStatusManager();
    try (UserServer server =
        onFreePorts(DefaultUserService.inMemory())
            .compressResponses(true)
            .addGrpcService(() -> extra.getHealthService().bindService())
            .build()
            .start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forTarget(server.grpcTarget()).usePlaintext().build();
      try {
        AtomicReference<String> encoding = new AtomicReference<>();
        Channel recording = ClientInterceptors.intercept(channel, responseEncoding(encoding));
        HealthGrpc.newBlockingStub(recording)
            .withCompression("gzip")
            .check(HealthCheckRequest.getDefaultInstance());
        assertThat(encoding.get()).isEqualTo("gzip");

        HealthGrpc.newBlockingStub(recording).check(HealthCheckRequest.getDefaultInstance());
        assertThat(encoding.get()).isIn(null, "identity");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static ClientInterceptor responseEncoding(AtomicReference<String> encoding) {
    Metadata.Key<String> key = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(
          MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, options)) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            super.start(
                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                  @Override
                  public void onHeaders(Metadata responseHeaders) {
                    encoding.set(responseHeaders.get(key));
                    super.onHeaders(responseHeaders);
                  }
                },
                headers);
          }
        };
      }
    };
  }

  @Test
  void anOpenServerOnAPublicAddressIsRefusedUnlessInsecure() {
    assertThatThrownBy(
            () -> UserServer.builder(DefaultUserService.inMemory()).bind("0.0.0.0").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without authentication");

    UserServer open =
        UserServer.builder(DefaultUserService.inMemory()).bind("0.0.0.0").insecure(true).build();
    assertThat(open.isRunning()).isFalse();
  }

  @Test
  void settingsOutOfRangeAreRefusedWithTheirName() {
    UserServer.Builder builder = UserServer.builder(DefaultUserService.inMemory());

    assertThatThrownBy(() -> builder.restPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("restPort: 70000 (expected: 0..65535)");
    assertThatThrownBy(() -> builder.idleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idleTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder.maxConcurrentWatches(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrentWatches: 0 (expected: >= 1)");
  }

  // --- raw HTTP/1.1, so that no client normalises paths or adds headers of its own ---

  private static boolean accepts(int port) {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  /** Sends one request with {@code Connection: close} headers already given; reads to the end. */
  private static String send(int port, String requestHead) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      String head =
          requestHead.contains("Connection:") ? requestHead : requestHead + "Connection: close\r\n";
      out.write((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Sends a whole request on an open connection and reads one response (by Content-Length). */
  private static String exchange(Socket socket, String request) throws IOException {
    socket.setSoTimeout(20_000);
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String headText = head.toString(StandardCharsets.ISO_8859_1);
    String length = header(headText, "content-length");
    byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
    return headText + new String(body, StandardCharsets.UTF_8);
  }

  private static String header(String response, String name) {
    String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static String body(String response) {
    int end = response.indexOf("\r\n\r\n");
    return end < 0 ? "" : response.substring(end + 4);
  }

  /** A real service whose {@code get} of one id waits until released: a call surely in flight. */
  private static final class HeldGet extends ForwardingUserService {
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile String heldId;

    HeldGet(UserService delegate) {
      super(delegate);
    }

    void hold(String id) {
      heldId = id;
    }

    void awaitHeld() throws InterruptedException {
      assertThat(held.await(20, TimeUnit.SECONDS)).as("the held call arrived").isTrue();
    }

    void release() {
      released.countDown();
    }

    @Override
    public User get(String id) {
      if (id.equals(heldId)) {
        held.countDown();
        try {
          released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return super.get(id);
    }
  }
}
