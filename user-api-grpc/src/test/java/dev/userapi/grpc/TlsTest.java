package dev.userapi.grpc;

import static dev.userapi.testkit.TestCertificates.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.testkit.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS and mutual TLS between {@link GrpcUserClient} and a {@link UserGrpcService} on a plain Netty
 * server with TLS server credentials, with certificates made at test time.
 */
class TlsTest {
  private final TestCertificates certs = TestCertificates.generate();
  private LoopbackServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void clientTrustingTheCaTalksToATlsServer() throws IOException {
    start(
        TlsServerCredentials.create(
            stream(certs.serverCertificateChainPem()), stream(certs.serverPrivateKeyPem())));

    try (GrpcUserClient client =
        client(
            TlsChannelCredentials.newBuilder()
                .trustManager(stream(certs.caCertificatePem()))
                .build())) {
      User ada = client.create(NewUser.of("Ada", "ada@example.com"));
      assertThat(client.get(ada.id())).isEqualTo(ada);
    }
  }

  @Test
  void plaintextClientCannotTalkToATlsServer() throws IOException {
    start(
        TlsServerCredentials.create(
            stream(certs.serverCertificateChainPem()), stream(certs.serverPrivateKeyPem())));

    try (GrpcUserClient client = client(InsecureChannelCredentials.create())) {
      UserException error =
          catchThrowableOfType(
              UserException.class, () -> client.create(NewUser.of("Ada", "ada@example.com")));
      assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
  }

  @Test
  void mutualTlsAdmitsOnlyClientsWithACertificateFromTheCa() throws IOException {
    start(
        TlsServerCredentials.newBuilder()
            .keyManager(
                stream(certs.serverCertificateChainPem()), stream(certs.serverPrivateKeyPem()))
            .trustManager(stream(certs.caCertificatePem()))
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
            .build());

    try (GrpcUserClient withCert =
            client(
                TlsChannelCredentials.newBuilder()
                    .keyManager(
                        stream(certs.clientCertificateChainPem()),
                        stream(certs.clientPrivateKeyPem()))
                    .trustManager(stream(certs.caCertificatePem()))
                    .build());
        GrpcUserClient withoutCert =
            client(
                TlsChannelCredentials.newBuilder()
                    .trustManager(stream(certs.caCertificatePem()))
                    .build())) {
      assertThat(withCert.create(NewUser.of("Ada", "ada@example.com")).name()).isEqualTo("Ada");
      UserException refused =
          catchThrowableOfType(
              UserException.class, () -> withoutCert.create(NewUser.of("Bob", "bob@example.com")));
      assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
  }

  private void start(ServerCredentials credentials) {
    server =
        LoopbackServer.builder(UserGrpcService.of(DefaultUserService.inMemory()))
            .credentials(credentials)
            .start();
  }

  private GrpcUserClient client(ChannelCredentials credentials) {
    return GrpcUserClient.builder()
        .target("localhost:" + server.port())
        .channelCredentials(credentials)
        .deadline(Duration.ofSeconds(10))
        .build();
  }

  private static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(bytes(pem));
  }
}
