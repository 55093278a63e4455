package dev.userapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.server.PriorKnowledgeH2c.WireResponse;
import dev.userapi.testkit.TestCertificates;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API on the wire over HTTP/1.1, h2c with prior knowledge, h2c by upgrade and h2 over TLS:
 * the same requests get the same answers on every version.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestOverHttp2Test {
  private static final long BODY_LIMIT = 4096;
  private static final List<String> COMPARED_HEADERS =
      List.of("etag", "content-type", "location", "cache-control", "retry-after");

  private UserServer server;
  private DefaultUserService users;
  private User ada;
  private HttpClient http1;
  private HttpClient http2;
  private PriorKnowledgeH2c priorKnowledge;

  @BeforeEach
  void start() throws Exception {
    users = DefaultUserService.inMemory();
    ada = users.create(NewUser.of("Ada Lovelace", "ada@example.com", 36));
    server =
        UserServer.builder(users)
            .restPort(0)
            .grpcPort(0)
            .blockingStore(false)
            .maxRequestBodyBytes(BODY_LIMIT)
            .http2(true)
            .build()
            .start();
    http1 = HttpClient.newBuilder().version(Version.HTTP_1_1).build();
    http2 = HttpClient.newBuilder().version(Version.HTTP_2).build();
    priorKnowledge = new PriorKnowledgeH2c(server.restPort());
  }

  @AfterEach
  void stop() {
    if (priorKnowledge != null) {
      priorKnowledge.close();
    }
    server.close();
  }

  @Test
  void theSameRequestsGetTheSameAnswersOnHttp1AndOnBothWaysIntoH2c() throws Exception {
    String etag = get(http1, "/api/users/" + ada.id()).header("etag");
    List<Exchange> exchanges =
        List.of(
            new Exchange("GET", "/api/users/" + ada.id(), Map.of(), null),
            new Exchange("GET", "/api/users/" + ada.id(), Map.of("If-None-Match", etag), null),
            new Exchange("GET", "/api/users/0190a6b4-0000-7000-8000-000000000000", Map.of(), null),
            new Exchange("GET", "/api/users?pageSize=10", Map.of(), null),
            new Exchange("GET", "/api/users:stream", Map.of(), null),
            new Exchange("GET", "/api/health", Map.of(), null),
            new Exchange(
                "POST", "/api/users", Map.of("Content-Type", "application/json"), "{\"name\": "),
            new Exchange(
                "POST",
                "/api/users",
                Map.of("Content-Type", "application/json"),
                "{\"name\":\"" + "x".repeat((int) BODY_LIMIT) + "\"}"),
            new Exchange(
                "DELETE", "/api/users/" + ada.id(), Map.of("If-Match", "\"stale\""), null));
    // Upgrade on the first request of the connection; from then on the client speaks HTTP/2.
    assertThat(get(http2, "/api/health").status()).isEqualTo(200);

    for (Exchange exchange : exchanges) {
      WireResponse one = send(http1, Version.HTTP_1_1, exchange);
      WireResponse upgraded = send(http2, Version.HTTP_2, exchange);
      WireResponse prior =
          priorKnowledge.send(exchange.method, exchange.path, exchange.headers, exchange.body);

      assertThat(comparable(upgraded)).as(exchange.toString()).isEqualTo(comparable(one));
      assertThat(comparable(prior)).as(exchange.toString()).isEqualTo(comparable(one));
    }
  }

  @Test
  void theServerAdvertisesItsHttp2StreamCap() throws Exception {
    assertThat(priorKnowledge.send("GET", "/api/health", Map.of(), null).status()).isEqualTo(200);

    // Unadvertised, the cap would only show when a client exceeds it and loses the connection.
    assertThat(priorKnowledge.streamsAllowedByServer()).isEqualTo(128);
  }

  @Test
  void aCreateOverEachVersionAnswers201WithLocationAndEtag() throws Exception {
    List<WireResponse> created = new ArrayList<>();
    assertThat(get(http2, "/api/health").status()).isEqualTo(200);
    Map<String, String> json = Map.of("Content-Type", "application/json");
    created.add(send(http1, Version.HTTP_1_1, create(json, "one")));
    created.add(send(http2, Version.HTTP_2, create(json, "upgraded")));
    created.add(priorKnowledge.send("POST", "/api/users", json, create(json, "prior").body));

    for (WireResponse response : created) {
      assertThat(response.status()).isEqualTo(201);
      String id = response.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
      assertThat(response.header("location")).endsWith("/api/users/" + id);
      assertThat(response.header("etag")).isNotBlank();
      assertThat(response.header("content-type")).startsWith("application/json");
    }
  }

  @Test
  void ndjsonStreamsThousandsOfUsersOverHttp2BeyondTheFlowControlWindow() throws Exception {
    // Some 3,000 users are several times HTTP/2's initial 64 KiB window: the stream only ends if
    // the server keeps writing as the client's WINDOW_UPDATEs arrive.
    int total = 3000;
    for (int i = 0; i < total; i++) {
      users.create(NewUser.of("Bulk " + i, "bulk" + i + "@example.com"));
    }
    assertThat(get(http2, "/api/health").status()).isEqualTo(200);

    HttpResponse<Stream<String>> stream =
        http2.send(
            request("/api/users:stream").header("Accept", "application/x-ndjson").build(),
            HttpResponse.BodyHandlers.ofLines());

    assertThat(stream.version()).isEqualTo(Version.HTTP_2);
    assertThat(stream.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    try (Stream<String> lines = stream.body()) {
      assertThat(lines.filter(line -> !line.isBlank()).count()).isEqualTo(total + 1);
    }
    WireResponse prior = priorKnowledge.send("GET", "/api/users:stream", Map.of(), null);
    assertThat(prior.body().lines().count()).isEqualTo(total + 1);
  }

  @Test
  void sseWatchDeliversEventsOverHttp2() throws Exception {
    assertThat(get(http2, "/api/health").status()).isEqualTo(200);
    HttpResponse<Stream<String>> watch =
        http2.send(
            request("/api/users:watch").header("Accept", "text/event-stream").build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(watch.version()).isEqualTo(Version.HTTP_2);
    assertThat(watch.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/event-stream");

    try (Stream<String> lines = watch.body()) {
      CompletableFuture<String> seen =
          CompletableFuture.supplyAsync(
              () ->
                  lines.filter(line -> line.contains("grace@example.com")).findFirst().orElse(""));
      // Writes go on until the watch shows one: it is live on the server a round trip after its
      // headers arrive.
      for (int i = 0; !seen.isDone() && i < 200; i++) {
        send(
            http2,
            Version.HTTP_2,
            new Exchange(
                "POST",
                "/api/users",
                Map.of("Content-Type", "application/json"),
                "{\"name\":\"Grace\",\"email\":\"grace" + (i == 0 ? "" : i) + "@example.com\"}"));
        try {
          seen.get(100, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException notYet) {
          // next write
        }
      }
      assertThat(seen.get(10, TimeUnit.SECONDS)).startsWith("data:").contains("\"type\"");
    }
  }

  @Test
  void tlsNegotiatesH2ThroughAlpnAndStillServesHttp1(@TempDir Path dir) throws Exception {
    server.close();
    TestCertificates certs = TestCertificates.generate();
    Path cert = Files.writeString(dir.resolve("server.pem"), certs.serverCertificateChainPem());
    Path key = Files.writeString(dir.resolve("server.key"), certs.serverPrivateKeyPem());
    server =
        UserServer.builder(DefaultUserService.inMemory())
            .bind("localhost")
            .restPort(0)
            .grpcPort(0)
            .tls(ServerTls.fromPem(cert, key))
            .http2(true)
            .build()
            .start();
    HttpClient h2 =
        HttpClient.newBuilder()
            .version(Version.HTTP_2)
            .sslContext(certs.trustingSslContext())
            .build();
    HttpClient h1 =
        HttpClient.newBuilder()
            .version(Version.HTTP_1_1)
            .sslContext(certs.trustingSslContext())
            .build();

    HttpResponse<String> overH2 =
        h2.send(
            HttpRequest.newBuilder(server.restUri().resolve("api/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> overH1 =
        h1.send(
            HttpRequest.newBuilder(server.restUri().resolve("api/health")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(overH2.version()).isEqualTo(Version.HTTP_2);
    assertThat(overH1.version()).isEqualTo(Version.HTTP_1_1);
    assertThat(overH2.statusCode()).isEqualTo(200);
    assertThat(overH2.body()).isEqualTo(overH1.body());
  }

  @Test
  void byDefaultThePortStaysOnHttp1() throws Exception {
    server.close();
    server =
        UserServer.builder(DefaultUserService.inMemory()).restPort(0).grpcPort(0).build().start();

    HttpResponse<String> health =
        http2.send(
            HttpRequest.newBuilder(server.restUri().resolve("api/health")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.version()).isEqualTo(Version.HTTP_1_1);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private record Exchange(String method, String path, Map<String, String> headers, String body) {}

  private static Exchange create(Map<String, String> headers, String name) {
    return new Exchange(
        "POST",
        "/api/users",
        headers,
        "{\"name\":\"" + name + "\",\"email\":\"" + name + "@example.com\"}");
  }

  /** Status, the compared headers and the body: what must not depend on the HTTP version. */
  private static Map<String, Object> comparable(WireResponse response) {
    Map<String, Object> view = new TreeMap<>();
    view.put(":status", response.status());
    for (String name : COMPARED_HEADERS) {
      view.put(name, response.header(name));
    }
    view.put(":body", response.body());
    return view;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(server.restUri().resolve(path.substring(1)))
        .timeout(Duration.ofSeconds(20));
  }

  private WireResponse get(HttpClient client, String path) throws Exception {
    return send(client, client.version(), new Exchange("GET", path, Map.of(), null));
  }

  private WireResponse send(HttpClient client, Version version, Exchange exchange)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        request(exchange.path)
            .method(
                exchange.method,
                exchange.body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(exchange.body));
    exchange.headers.forEach(request::header);
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.version()).as(exchange.toString()).isEqualTo(version);
    Map<String, List<String>> headers = new TreeMap<>();
    response
        .headers()
        .map()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
    return new WireResponse(response.statusCode(), headers, response.body());
  }
}
