package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.Authenticator;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.InMemoryUserRepository;
import dev.userapi.core.NewUser;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.testkit.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bearer authentication ({@link BearerAuthFilter}) and TLS/mTLS on Grizzly, over real sockets. */
class SecurityTest {
  private final InMemoryUserRepository store = new InMemoryUserRepository();
  private final Authenticator tokens =
      Authenticator.staticTokens(
          Map.of(
              "reader-secret", new Principal("reader", Set.of(Scopes.READ)),
              "writer-secret", new Principal("writer", Set.of(Scopes.READ, Scopes.WRITE))));
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestServer server;
  private HttpServer tlsServer;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (tlsServer != null) {
      tlsServer.shutdownNow();
    }
  }

  private void startWithAuth() throws Exception {
    server =
        TestServer.start(
            UserApiFeature.builder(DefaultUserService.of(store)).authenticator(tokens).build());
  }

  private HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void missingTokenIs401ProblemWithABearerChallengeAndStoresNothing() throws Exception {
    startWithAuth();

    HttpResponse<String> response =
        send("POST", "api/users", null, "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(json.readTree(response.body()).get("code").asText()).isEqualTo("UNAUTHENTICATED");
    assertThat(store.size()).isZero();
  }

  @Test
  void invalidTokenIs401WithInvalidTokenErrorAndIsNotEchoed() throws Exception {
    startWithAuth();

    HttpResponse<String> response = send("GET", "api/users", "guess-secret", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    assertThat(response.body()).doesNotContain("guess-secret");
  }

  @Test
  void readScopeCannotWriteAnd403NamesTheScopeNeeded() throws Exception {
    startWithAuth();

    HttpResponse<String> response =
        send(
            "POST",
            "api/users",
            "reader-secret",
            "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}");

    assertThat(response.statusCode()).isEqualTo(403);
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.get("code").asText()).isEqualTo("PERMISSION_DENIED");
    assertThat(problem.get("detail").asText()).contains(Scopes.WRITE);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
    assertThat(store.size()).isZero();
  }

  @Test
  void clientWithTheRightTokenWorksAndHealthStaysOpen() throws Exception {
    startWithAuth();
    try (RestUserClient writer =
            RestUserClient.builder()
                .baseUri(server.baseUri())
                .bearerToken("writer-secret")
                .build();
        RestUserClient reader =
            RestUserClient.builder()
                .baseUri(server.baseUri())
                .bearerToken("reader-secret")
                .build();
        RestUserClient anonymous = RestUserClient.connect(server.baseUri())) {
      User ada = writer.create(NewUser.of("Ada", "ada@example.com"));

      assertThat(reader.get(ada.id())).isEqualTo(ada);
      assertThat(
              catchThrowableOfType(UserException.class, () -> reader.delete(ada.id(), null)).code())
          .isEqualTo(ErrorCode.PERMISSION_DENIED);
      assertThat(catchThrowableOfType(UserException.class, () -> anonymous.get(ada.id())).code())
          .isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(send("GET", "api/health", null, null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void tlsServerAndClientTrustingTheTestCa() throws Exception {
    TestCertificates certs = TestCertificates.generate();
    tlsServer = startTls(certs, false);
    URI base = URI.create("https://localhost:" + tlsServer.getListener("grizzly").getPort() + "/");

    try (RestUserClient client =
        RestUserClient.builder().baseUri(base).sslContext(certs.trustingSslContext()).build()) {
      User ada = client.create(NewUser.of("Ada", "ada@example.com"));
      assertThat(client.get(ada.id())).isEqualTo(ada);
    }
  }

  @Test
  void mutualTlsRefusesAClientWithoutACertificate() throws Exception {
    TestCertificates certs = TestCertificates.generate();
    tlsServer = startTls(certs, true);
    URI base = URI.create("https://localhost:" + tlsServer.getListener("grizzly").getPort() + "/");

    try (RestUserClient withCert =
            RestUserClient.builder().baseUri(base).sslContext(certs.clientSslContext()).build();
        RestUserClient withoutCert =
            RestUserClient.builder().baseUri(base).sslContext(certs.trustingSslContext()).build()) {
      assertThat(withCert.create(NewUser.of("Ada", "ada@example.com")).name()).isEqualTo("Ada");
      UserException refused =
          catchThrowableOfType(
              UserException.class, () -> withoutCert.create(NewUser.of("Bob", "bob@example.com")));
      assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
    assertThat(store.size()).isEqualTo(1);
  }

  private HttpServer startTls(TestCertificates certs, boolean requireClientCertificate)
      throws Exception {
    SSLEngineConfigurator tls =
        new SSLEngineConfigurator(certs.serverSslContext(), false, requireClientCertificate, false);
    HttpServer https =
        GrizzlyHttpServerFactory.createHttpServer(
            URI.create("https://127.0.0.1:0/"),
            new ResourceConfig().register(UserApiFeature.of(DefaultUserService.of(store))),
            true,
            tls,
            false);
    https.start();
    return https;
  }
}
