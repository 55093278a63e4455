package dev.userapi.grpc;

import static dev.userapi.testkit.TestCertificates.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.InMemoryUserRepository;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.testkit.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS and mutual TLS between {@link GrpcUserClient} and a {@link UserGrpcService} on a plain Netty
 * server with TLS server credentials, with certificates made at test time.
 */
class TlsTest {
  private final TestCertificates certs = TestCertificates.generate();
  private final InMemoryUserRepository store = new InMemoryUserRepository();
  private final AtomicInteger callsReceived = new AtomicInteger();
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
      assertRefusedByTheHandshake(error);
    }
    assertThat(callsReceived).as("calls that reached the service").hasValue(0);
    assertThat(store.size()).isZero();
    assertTheSamePortServes(
        TlsChannelCredentials.newBuilder().trustManager(stream(certs.caCertificatePem())).build());
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
      assertThat(callsReceived).hasValue(1);
      UserException refused =
          catchThrowableOfType(
              UserException.class, () -> withoutCert.create(NewUser.of("Bob", "bob@example.com")));
      assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertRefusedByTheHandshake(refused);
      assertThat(rootCauses(refused)).anyMatch(SSLException.class::isInstance);
    }
    assertThat(callsReceived).as("calls that reached the service").hasValue(1);
    assertThat(store.size()).isEqualTo(1);
  }

  /**
   * A refusal by the TLS handshake reached a listening server: the connection was made (no
   * ConnectException, as a wrong port would give) and then closed by the handshake.
   */
  private static void assertRefusedByTheHandshake(UserException error) {
    assertThat(rootCauses(error)).noneMatch(ConnectException.class::isInstance);
  }

  /** Shows the refused call's port is the right one: a client with the right credentials works. */
  private void assertTheSamePortServes(ChannelCredentials credentials) {
    try (GrpcUserClient client = client(credentials)) {
      assertThat(client.create(NewUser.of("Ada", "ada@example.com")).name()).isEqualTo("Ada");
    }
    assertThat(callsReceived).hasValue(1);
  }

  private static List<Throwable> rootCauses(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private void start(ServerCredentials credentials) {
    server =
        LoopbackServer.builder(UserGrpcService.of(DefaultUserService.of(store)))
            .intercept(
                new ServerInterceptor() {
                  @Override
                  public <Q, A> ServerCall.Listener<Q> interceptCall(
                      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                    callsReceived.incrementAndGet();
                    return next.startCall(call, headers);
                  }
                })
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
