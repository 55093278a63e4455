package dev.userapi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.userapi.core.Authenticator;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.InMemoryUserRepository;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Third-party clients, not ours: connect-es ({@code @connectrpc/connect} with {@code
 * @connectrpc/connect-node}) on Node runs {@code src/test/js/connect-client/scenario.mjs} against
 * a real {@link UserServer}, and every line it prints — each response, each error's code, message,
 * {@code ErrorInfo} reason and {@code BadRequest} field violations — must equal what our own {@link
 * dev.userapi.grpc.GrpcUserClient} sees running the same scenario ({@link GrpcScenario}) on a
 * server of its own. Each run gets a fresh server over a fresh store on the same {@link
 * TickingClock}, so timestamps and etags match exactly; ids and page tokens are compared by
 * position ({@link NodeClients#normalize}).
 *
 * <p>Transports: connect-node's {@code createGrpcTransport} (native gRPC over HTTP/2 to the gRPC
 * port: an interoperability check of grpc-java with another implementation), and over HTTP/1.1 to
 * the HTTP port ({@link UserServer.Builder#webProtocols}) {@code createGrpcWebTransport} (binary)
 * and {@code createConnectTransport} (binary and JSON). Each runs on an open server and, with
 * bearer tokens, on one that requires them.
 *
 * <p>Needs {@code node} and {@code npm} ({@code .ci/run} installs them): without them the test
 * fails when the environment variable {@code CI} is {@code true} and is skipped otherwise.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConnectNodeClientsTest {
  private static final String WRITER_TOKEN = "connect-writer-token";
  private static final String READER_TOKEN = "connect-reader-token";

  private static final Map<Boolean, List<JsonNode>> REFERENCES = new HashMap<>();

  private static String unavailable;
  private static boolean prepared;

  /**
   * Per test rather than {@code @BeforeAll}, so that each test shows as skipped with the reason
   * (surefire counts a class aborted before its tests as no tests at all).
   */
  @BeforeEach
  void requireNodeClients() throws IOException {
    synchronized (ConnectNodeClientsTest.class) {
      if (!prepared) {
        unavailable = NodeClients.whyUnavailable();
        if (unavailable == null) {
          NodeClients.prepare();
        }
        prepared = true;
      }
    }
    if (unavailable != null && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true and the JavaScript client tests cannot run: " + unavailable);
    }
    assumeTrue(unavailable == null, unavailable);
  }

  @Test
  void grpcUserClientScenarioCoversEveryMethodAndError() {
    List<JsonNode> lines = reference();
    assertThat(steps(lines))
        .as("every method: create, get, update, replace, delete, list, stream, watch, batch")
        .contains(
            "createAda",
            "getAda",
            "updateAdaAge",
            "replaceGrace",
            "deleteAlan",
            "listPage2",
            "streamAll",
            "batchCreate",
            "createWhileWatching",
            "watchHistoryThenLive",
            "watchAfterSequence");
    assertThat(errorCodes(lines))
        .containsOnlyKeys("INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "ABORTED");
    assertThat(line(lines, "createInvalid").at("/error/fieldViolations").size())
        .as("field violations of createInvalid")
        .isEqualTo(3);
    assertThat(line(lines, "streamAll").get("ok").size()).isEqualTo(4);
    assertThat(line(lines, "listFiltered").at("/ok/users").size()).isEqualTo(2);
    JsonNode watched = line(lines, "watchHistoryThenLive").get("ok");
    assertThat(watched.size()).isGreaterThan(10);
    assertThat(watched.get(watched.size() - 1).at("/user/name").asText())
        .as("the watch's last event is the live one")
        .isEqualTo("Live Event");
    assertThat(errorCodes(referenceWithTokens()))
        .containsOnlyKeys(
            "INVALID_ARGUMENT",
            "NOT_FOUND",
            "ALREADY_EXISTS",
            "ABORTED",
            "UNAUTHENTICATED",
            "PERMISSION_DENIED");
  }

  @Test
  void grpcTransportSeesWhatGrpcUserClientSees() throws IOException {
    try (UserServer server = server(false)) {
      assertSameLines(
          "grpc",
          reference(),
          "--transport",
          "grpc",
          "--url",
          "http://127.0.0.1:" + server.grpcPort());
    }
  }

  @Test
  void grpcTransportWithBearerTokensSeesTheSameAuthorizationErrors() throws IOException {
    try (UserServer server = server(true)) {
      assertSameLines(
          "grpc-tokens",
          referenceWithTokens(),
          "--transport",
          "grpc",
          "--url",
          "http://127.0.0.1:" + server.grpcPort(),
          "--token",
          WRITER_TOKEN,
          "--read-token",
          READER_TOKEN);
    }
  }

  @ParameterizedTest(name = "{0} {1} over HTTP/1.1")
  @CsvSource({"grpc-web, proto", "connect, proto", "connect, json"})
  void webTransportSeesWhatGrpcUserClientSees(String transport, String format) throws IOException {
    try (UserServer server = server(false)) {
      assertSameLines(
          transport + "-" + format,
          reference(),
          "--transport",
          transport,
          "--format",
          format,
          "--http",
          "1.1",
          "--url",
          "http://127.0.0.1:" + server.restPort());
    }
  }

  @ParameterizedTest(name = "{0} {1} over HTTP/1.1 with bearer tokens")
  @CsvSource({"grpc-web, proto", "connect, proto", "connect, json"})
  void webTransportWithBearerTokensSeesTheSameAuthorizationErrors(String transport, String format)
      throws IOException {
    try (UserServer server = server(true)) {
      assertSameLines(
          transport + "-" + format + "-tokens",
          referenceWithTokens(),
          "--transport",
          transport,
          "--format",
          format,
          "--http",
          "1.1",
          "--url",
          "http://127.0.0.1:" + server.restPort(),
          "--token",
          WRITER_TOKEN,
          "--read-token",
          READER_TOKEN);
    }
  }

  private static void assertSameLines(String name, List<JsonNode> expected, String... args)
      throws IOException {
    List<JsonNode> actual = NodeClients.normalize(NodeClients.scenario(name, args));
    List<String> differences = new ArrayList<>();
    for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
      JsonNode node = i < actual.size() ? actual.get(i) : null;
      JsonNode grpc = i < expected.size() ? expected.get(i) : null;
      if (node == null || !node.equals(grpc)) {
        differences.add(
            differences.isEmpty()
                ? "line " + (i + 1) + ":\n  node:           " + node + "\n  GrpcUserClient: " + grpc
                : "line "
                    + (i + 1)
                    + " ("
                    + (grpc == null ? node : grpc).path("step").asText()
                    + ")");
      }
    }
    assertThat(differences)
        .as(
            "connect-es (%s): lines that differ from GrpcUserClient's, the first in full (a difference"
                + " can shift the ids of later lines); node's stderr:%n%s",
            String.join(" ", args), NodeClients.stderr(name))
        .isEmpty();
  }

  private static List<JsonNode> reference() {
    return reference(false);
  }

  private static List<JsonNode> referenceWithTokens() {
    return reference(true);
  }

  /** What GrpcUserClient sees, once per kind of server. */
  private static synchronized List<JsonNode> reference(boolean tokens) {
    return REFERENCES.computeIfAbsent(
        tokens,
        key -> {
          try (UserServer server = server(tokens)) {
            return NodeClients.normalize(
                GrpcScenario.run(
                    server.grpcTarget(),
                    tokens ? WRITER_TOKEN : null,
                    tokens ? READER_TOKEN : null));
          }
        });
  }

  /** A fresh server over a fresh store whose clock starts where every other one does. */
  private static UserServer server(boolean tokens) {
    DefaultUserService users =
        DefaultUserService.builder()
            .repository(new InMemoryUserRepository())
            .clock(new TickingClock())
            .build();
    UserServer.Builder builder =
        UserServer.builder(users).restPort(0).grpcPort(0).webProtocols(true);
    if (tokens) {
      builder.authenticator(
          Authenticator.staticTokens(
              Map.of(
                  WRITER_TOKEN,
                  new Principal("writer", Set.of(Scopes.READ, Scopes.WRITE)),
                  READER_TOKEN,
                  new Principal("reader", Set.of(Scopes.READ)))));
    }
    return builder.build().start();
  }

  private static List<String> steps(List<JsonNode> lines) {
    return lines.stream().filter(l -> l.has("step")).map(l -> l.get("step").asText()).toList();
  }

  private static Map<String, Long> errorCodes(List<JsonNode> lines) {
    return lines.stream()
        .filter(l -> l.has("error"))
        .collect(Collectors.groupingBy(l -> l.at("/error/code").asText(), Collectors.counting()));
  }

  private static JsonNode line(List<JsonNode> lines, String step) {
    return lines.stream()
        .filter(l -> step.equals(l.path("step").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step " + step));
  }

  /**
   * A clock that starts at the same instant for every service and moves one millisecond at each
   * reading, so that the same calls in the same order give the same timestamps on two servers.
   */
  static final class TickingClock extends Clock {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private final AtomicLong millis = new AtomicLong(START.toEpochMilli());

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.getAndIncrement());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a ticking clock stays in UTC");
    }
  }
}
