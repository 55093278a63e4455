package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserQuery;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import dev.userapi.testkit.TestCertificates;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's security options: tokens on both protocols, TLS on both, and no open public bind.
 */
class UserServerSecurityTest {
  @TempDir Path dir;
  private UserServerCommand server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  @Test
  void refusesAPublicAddressWithoutAuthentication() {
    assertThatThrownBy(
            () ->
                UserServerCommand.fromArgs(
                        "--bind", "0.0.0.0", "--rest-port", "0", "--grpc-port", "0")
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--token-file")
        .hasMessageContaining("--insecure");
  }

  @Test
  void servesAPublicAddressOpenWhenToldInsecure() {
    server =
        UserServerCommand.fromArgs(
                "--bind", "0.0.0.0", "--insecure", "--rest-port", "0", "--grpc-port", "0")
            .start();

    try (GrpcUserClient client = GrpcUserClient.connect("127.0.0.1:" + server.grpcPort())) {
      assertThat(client.list(UserQuery.firstPage(1)).items()).isEmpty();
    }
  }

  @Test
  void tokensAreRequiredOnBothProtocolsWithScopes() throws Exception {
    Path tokens =
        write(
            "tokens",
            "# test tokens\nwriter-secret users.read,users.write writer\nreader-secret users.read\n");
    server =
        UserServerCommand.fromArgs(
                "--token-file", tokens.toString(), "--rest-port", "0", "--grpc-port", "0")
            .start();

    try (GrpcUserClient anonymousGrpc = GrpcUserClient.connect(server.grpcTarget());
        GrpcUserClient writerGrpc =
            GrpcUserClient.builder()
                .target(server.grpcTarget())
                .bearerToken("writer-secret")
                .build();
        RestUserClient readerRest =
            RestUserClient.builder()
                .baseUri(server.restUri())
                .bearerToken("reader-secret")
                .build();
        RestUserClient anonymousRest = RestUserClient.connect(server.restUri())) {
      User ada = writerGrpc.create(NewUser.of("Ada", "ada@example.com"));

      assertThat(readerRest.get(ada.id())).isEqualTo(ada);
      assertThat(code(() -> anonymousGrpc.get(ada.id()))).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(code(() -> anonymousRest.get(ada.id()))).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(code(() -> readerRest.delete(ada.id(), null)))
          .isEqualTo(ErrorCode.PERMISSION_DENIED);
      assertThat(writerGrpc.get(ada.id())).isEqualTo(ada);
    }
    HttpResponse<String> health =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(server.restUri().resolve("api/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  @Test
  void tlsOnBothProtocolsFromPemFiles() throws Exception {
    TestCertificates certs = TestCertificates.generate();
    Path cert = write("server.pem", certs.serverCertificateChainPem());
    Path key = write("server.key", certs.serverPrivateKeyPem());
    server =
        UserServerCommand.fromArgs(
                "--bind",
                "localhost",
                "--tls-cert",
                cert.toString(),
                "--tls-key",
                key.toString(),
                "--rest-port",
                "0",
                "--grpc-port",
                "0")
            .start();

    assertThat(server.restUri().getScheme()).isEqualTo("https");
    try (RestUserClient rest =
            RestUserClient.builder()
                .baseUri(server.restUri())
                .sslContext(certs.trustingSslContext())
                .build();
        GrpcUserClient grpc =
            GrpcUserClient.builder()
                .target(server.grpcTarget())
                .channelCredentials(
                    TlsChannelCredentials.newBuilder()
                        .trustManager(
                            new ByteArrayInputStream(
                                certs.caCertificatePem().getBytes(StandardCharsets.UTF_8)))
                        .build())
                .build()) {
      User ada = rest.create(NewUser.of("Ada", "ada@example.com"));
      assertThat(grpc.get(ada.id())).isEqualTo(ada);
    }
  }

  @Test
  void unreadableOrHalfTlsConfigurationFailsAtStart() throws Exception {
    Path cert = write("only.pem", "not a certificate");
    assertThatThrownBy(
            () ->
                UserServerCommand.fromArgs(
                        "--tls-cert", cert.toString(), "--rest-port", "0", "--grpc-port", "0")
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tls-key");
    Path bad = write("tokens", "lonely-token-without-scope\n");
    assertThatThrownBy(
            () ->
                UserServerCommand.fromArgs(
                        "--token-file", bad.toString(), "--rest-port", "0", "--grpc-port", "0")
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1")
        .hasMessageNotContaining("lonely-token");
  }

  private static ErrorCode code(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    return catchThrowableOfType(UserException.class, call).code();
  }
}
