package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.server.PriorKnowledgeH2c;
import dev.userapi.server.PriorKnowledgeH2c.WireResponse;
import dev.userapi.server.UserServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The limits and the drain answer the same over HTTP/1.1 and HTTP/2 (h2c with prior knowledge):
 * every test runs once per version, against one server with HTTP/2 on, through connections opened
 * before the test acts (raw sockets for HTTP/1.1, Netty's HTTP/2 codec for h2c).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Http1AndHttp2ParityTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long BODY_LIMIT = 4096;
  private static final int SEEDED = 50_000;
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  enum Wire {
    HTTP_1_1,
    H2C
  }

  private static UserService seeded;
  private static User ada;
  private static User bob;

  private GatedUserService gated;
  private CountedStreams store;
  private UserServer server;
  private Client client;

  @BeforeAll
  static void seed() {
    seeded = DefaultUserService.inMemory();
    // Long names make the whole stream (some 15 MB of NDJSON) far larger than any window or
    // socket buffer.
    String padding = "x".repeat(180);
    for (int batch = 0; batch < SEEDED; batch += 1000) {
      List<NewUser> users = new ArrayList<>();
      for (int i = batch; i < batch + 1000; i++) {
        users.add(NewUser.of("Seed " + i + " " + padding, "seed" + i + "@parity.example.com"));
      }
      assertThat(seeded.createAll(users)).allMatch(r -> r.succeeded());
    }
    ada = seeded.create(NewUser.of("Ada", "ada@example.com", 36));
    bob = seeded.create(NewUser.of("Bob", "bob@example.com", 40));
  }

  @BeforeEach
  void start() {
    gated = new GatedUserService(seeded);
    store = new CountedStreams(gated);
    // The gate blocks, so the store is declared blocking: every call runs on a worker.
    server =
        UserServer.builder(store)
            .restPort(0)
            .grpcPort(0)
            .blockingStore(true)
            .maxRequestBodyBytes(BODY_LIMIT)
            .maxConcurrentStreams(1)
            .idleTimeout(Duration.ofSeconds(2))
            .gracePeriod(Duration.ofSeconds(30))
            .http2(true)
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    gated.release();
    if (client != null) {
      client.close();
    }
    server.shutdown(Duration.ZERO);
  }

  private Client connect(Wire wire) throws Exception {
    client =
        wire == Wire.H2C ? new H2cClient(server.restPort()) : new Http1Client(server.restPort(), 4);
    return client;
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void aBodyOverTheLimitGets413ProblemWithOrWithoutALength(Wire wire) throws Exception {
    Client http = connect(wire);
    String big =
        "{\"name\":\"" + "x".repeat((int) BODY_LIMIT) + "\",\"email\":\"big@example.com\"}";

    WireResponse declared = http.send("POST", "/api/users", JSON, big, true).get(20, SECONDS);
    WireResponse undeclared = http.send("POST", "/api/users", JSON, big, false).get(20, SECONDS);

    for (WireResponse response : List.of(declared, undeclared)) {
      assertProblem(response, 413, "RESOURCE_EXHAUSTED");
    }
    assertThat(store.list(UserQuery.firstPage(byEmail("big@example.com"), 10)).items()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void aBodyThatStopsArrivingGets408ProblemAndOtherRequestsGoOn(Wire wire) throws Exception {
    Client http = connect(wire);
    String half = "{\"name\":\"Half Body\",\"email\":\"half@example.com\",";

    WireResponse stalled = http.sendStalled("/api/users", JSON, half, 1000).get(20, SECONDS);

    assertProblem(stalled, 408, "DEADLINE_EXCEEDED");
    // HTTP/1.1 closes the stalled connection; HTTP/2 ends only the stream, on the same connection.
    WireResponse next = http.send("GET", "/api/users/" + ada.id(), Map.of(), null, true).get();
    assertThat(next.status()).isEqualTo(200);
    assertThat(store.list(UserQuery.firstPage(byEmail("half@example.com"), 10)).items()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void theDrainFinishesRequestsInFlightAndAnswersNewOnes503WithRetryAfter(Wire wire)
      throws Exception {
    Client http = connect(wire);
    gated.arm(ada.id());
    CompletableFuture<WireResponse> inFlight =
        http.send("GET", "/api/users/" + ada.id(), Map.of(), null, true);
    gated.awaitEntered();

    CompletableFuture<Boolean> shutdown =
        CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(30)));

    // Until the drain reaches the HTTP layer a request is served; from then on it gets the 503.
    List<WireResponse> probes = new ArrayList<>();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              probes.add(http.send("GET", "/api/users/" + bob.id(), Map.of(), null, true).get());
              assertThat(probes.get(probes.size() - 1).status()).isNotEqualTo(200);
            });
    WireResponse refused = probes.get(probes.size() - 1);
    assertProblem(refused, 503, "UNAVAILABLE");
    assertThat(refused.header("retry-after")).isEqualTo("1");
    assertThat(inFlight).as("the drain is still under way").isNotDone();

    gated.release();
    WireResponse finished = inFlight.get(20, SECONDS);
    assertThat(finished.status()).isEqualTo(200);
    assertThat(finished.body()).contains(ada.id());
    assertThat(shutdown.get(20, SECONDS)).as("every call finished").isTrue();
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void aStreamNobodyReadsStopsPullingFromTheStoreHoldsTheStreamLimitAndIsCutOff(Wire wire)
      throws Exception {
    Client http = connect(wire);
    UserFilter seeds = UserFilter.builder().namePrefix("Seed").build();

    try (AutoCloseable unread = http.openUnread("/api/users:stream?namePrefix=Seed")) {
      await()
          .atMost(WAIT)
          .until(
              () ->
                  store.subscriptions(seeds).size() == 1
                      && store.subscriptions(seeds).get(0).delivered.get() > 0);

      // The one stream slot is taken: another stream gets 429 on the same kind of connection.
      WireResponse second = http.send("GET", "/api/users:stream", Map.of(), null, true).get();
      assertProblem(second, 429, "RESOURCE_EXHAUSTED");

      // Flow control holds the server back: it never pulls the whole store for a reader that
      // does not read, and the idle timeout ends the stream, which frees the slot.
      CountedStreams.Subscription stuck = store.subscriptions(seeds).get(0);
      assertThat(stuck.completed).as("%s", stuck).isFalse();
      await().atMost(WAIT).untilAsserted(() -> assertThat(stuck.open()).as("%s", stuck).isFalse());
      assertThat(stuck.delivered.get()).as("%s", stuck).isLessThan(SEEDED);
      assertThat(stuck.completed).as("%s", stuck).isFalse();
    }
    WireResponse after =
        http.send("GET", "/api/users:stream?email=ada@example.com", Map.of(), null, true).get();
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.body()).contains(ada.id());
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;

  private static UserFilter byEmail(String email) {
    return UserFilter.builder().email(email).build();
  }

  private static void assertProblem(WireResponse response, int status, String code) {
    assertThat(response.status()).as("%s", response).isEqualTo(status);
    assertThat(response.header("content-type")).startsWith("application/problem+json");
    assertThat(response.body()).contains("\"code\":\"" + code + "\"");
  }

  /** One version's way of sending requests over connections opened up front. */
  private interface Client extends AutoCloseable {
    CompletableFuture<WireResponse> send(
        String method, String path, Map<String, String> headers, String body, boolean declared)
        throws Exception;

    /** A POST declaring {@code declaredLength} bytes whose body stops after {@code prefix}. */
    CompletableFuture<WireResponse> sendStalled(
        String path, Map<String, String> headers, String prefix, int declaredLength)
        throws Exception;

    /** A GET whose response is never read; closing it hangs up (HTTP/1.1) or resets (HTTP/2). */
    AutoCloseable openUnread(String path) throws Exception;

    @Override
    void close();
  }

  private static final class H2cClient implements Client {
    private final int port;
    private final PriorKnowledgeH2c connection;

    H2cClient(int port) throws InterruptedException {
      this.port = port;
      this.connection = new PriorKnowledgeH2c(port);
    }

    @Override
    public CompletableFuture<WireResponse> send(
        String method, String path, Map<String, String> headers, String body, boolean declared)
        throws Exception {
      return connection.sendAsync(method, path, headers, body, declared);
    }

    @Override
    public CompletableFuture<WireResponse> sendStalled(
        String path, Map<String, String> headers, String prefix, int declaredLength)
        throws Exception {
      return connection.sendStalled(path, headers, prefix, declaredLength);
    }

    @Override
    public AutoCloseable openUnread(String path) throws Exception {
      // A connection of its own: the unread stream also holds the connection's flow-control
      // window, which would stop every other response on a shared connection.
      PriorKnowledgeH2c own = new PriorKnowledgeH2c(port);
      var stream = own.openUnread(path);
      return () -> {
        stream.close().sync();
        own.close();
      };
    }

    @Override
    public void close() {
      connection.close();
    }
  }

  /**
   * HTTP/1.1 over raw keep-alive sockets, all opened up front: a request takes an idle one and
   * gives it back when its response ends and the server keeps it open.
   */
  private static final class Http1Client implements Client {
    private final int port;
    private final BlockingQueue<Socket> idle = new LinkedBlockingQueue<>();
    private final List<Socket> all = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    Http1Client(int port, int connections) throws IOException {
      this.port = port;
      for (int i = 0; i < connections; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) WAIT.toMillis());
        all.add(socket);
        idle.add(socket);
      }
    }

    @Override
    public CompletableFuture<WireResponse> send(
        String method, String path, Map<String, String> headers, String body, boolean declared)
        throws Exception {
      Socket socket = take();
      StringBuilder head = head(method, path, headers);
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      if (body != null && declared) {
        head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        request.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(bytes);
      } else if (body != null) {
        head.append("Transfer-Encoding: chunked\r\n\r\n");
        head.append(Integer.toHexString(bytes.length)).append("\r\n");
        request.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(bytes);
        request.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } else {
        request.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      }
      return exchange(socket, request.toByteArray());
    }

    @Override
    public CompletableFuture<WireResponse> sendStalled(
        String path, Map<String, String> headers, String prefix, int declaredLength)
        throws Exception {
      Socket socket = take();
      StringBuilder head = head("POST", path, headers);
      head.append("Content-Length: ").append(declaredLength).append("\r\n\r\n").append(prefix);
      return exchange(socket, head.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public AutoCloseable openUnread(String path) throws Exception {
      Socket socket = new Socket();
      socket.setReceiveBufferSize(4096);
      socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      all.add(socket);
      socket
          .getOutputStream()
          .write(head("GET", path, Map.of()).append("\r\n").toString().getBytes());
      socket.getOutputStream().flush();
      return socket;
    }

    private Socket take() throws InterruptedException {
      Socket socket = idle.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(socket).as("an idle connection opened before the test acted").isNotNull();
      return socket;
    }

    private static StringBuilder head(String method, String path, Map<String, String> headers) {
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      return head;
    }

    private CompletableFuture<WireResponse> exchange(Socket socket, byte[] request)
        throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              WireResponse response = read(socket.getInputStream());
              if ("close".equalsIgnoreCase(response.header("connection"))) {
                socket.close();
              } else {
                idle.add(socket);
              }
              return response;
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          },
          threads);
    }

    private static WireResponse read(InputStream in) throws IOException {
      String statusLine = line(in);
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String line = line(in); !line.isEmpty(); line = line(in)) {
        int colon = line.indexOf(':');
        headers
            .computeIfAbsent(
                line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      List<String> length = headers.get("content-length");
      if (length != null) {
        body.writeBytes(in.readNBytes(Integer.parseInt(length.get(0))));
      } else if (headers.containsKey("transfer-encoding")) {
        for (int size = Integer.parseInt(line(in).trim(), 16);
            size > 0;
            size = Integer.parseInt(line(in).trim(), 16)) {
          body.writeBytes(in.readNBytes(size));
          line(in);
        }
        line(in);
      } else {
        body.writeBytes(in.readAllBytes());
      }
      return new WireResponse(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("the connection closed mid-response: " + line);
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    @Override
    public void close() {
      for (Socket socket : all) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      threads.shutdownNow();
    }
  }
}
