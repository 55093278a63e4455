package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GrpcUserClient.Builder#compressRequests} against a server that gzips every response, over
 * Netty on loopback.
 */
class CompressionTest {
  private static final Metadata.Key<String> GRPC_ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

  /** The {@code grpc-encoding} of each request the server saw ("identity" when there was none). */
  private final List<String> requestEncodings = new CopyOnWriteArrayList<>();

  private LoopbackServer server;

  @BeforeEach
  void start() {
    ServerInterceptor gzipResponsesAndRecordRequests =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            String encoding = headers.get(GRPC_ENCODING);
            requestEncodings.add(encoding == null ? "identity" : encoding);
            call.setCompression("gzip");
            return next.startCall(call, headers);
          }
        };
    server =
        LoopbackServer.builder(UserGrpcService.of(DefaultUserService.inMemory()))
            .intercept(gzipResponsesAndRecordRequests)
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void compressRequestsGzipsEveryRequestAndCompressedResponsesAreDecoded() {
    try (GrpcUserClient client =
        GrpcUserClient.builder().target(server.target()).compressRequests(true).build()) {
      User ada = client.create(NewUser.of("Ada", "ada@example.com", 36));

      assertThat(client.get(ada.id())).isEqualTo(ada);
    }
    assertThat(requestEncodings).containsExactly("gzip", "gzip");
  }

  @Test
  void requestsAreNotCompressedByDefaultButCompressedResponsesAreStillDecoded() {
    try (GrpcUserClient client = GrpcUserClient.connect(server.target())) {
      User ada = client.create(NewUser.of("Ada", "ada@example.com", 36));

      assertThat(client.get(ada.id())).isEqualTo(ada);
    }
    assertThat(requestEncodings).containsExactly("identity", "identity");
  }
}
