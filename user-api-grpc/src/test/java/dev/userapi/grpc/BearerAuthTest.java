package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.userapi.core.Authenticator;
import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.InMemoryUserRepository;
import dev.userapi.core.NewUser;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link BearerAuthInterceptor} and {@link BearerToken} over Netty on loopback. */
class BearerAuthTest {
  private final InMemoryUserRepository store = new InMemoryUserRepository();
  private LoopbackServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    Authenticator tokens =
        Authenticator.staticTokens(
            Map.of(
                "reader-secret", new Principal("reader", Set.of(Scopes.READ)),
                "writer-secret", new Principal("writer", Set.of(Scopes.READ, Scopes.WRITE)),
                "admin-secret", new Principal("admin", Set.of(Scopes.ADMIN))));
    // As an embedder would: auth around the user service only, health next to it, open.
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(UserServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    server =
        LoopbackServer.builder(UserGrpcService.of(DefaultUserService.of(store)))
            .intercept(new BearerAuthInterceptor(tokens))
            .addService(health.getHealthService())
            .start();
    channel = Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.close();
  }

  private GrpcUserClient client(String token) {
    GrpcUserClient.Builder builder = GrpcUserClient.builder().channel(channel);
    return token == null ? builder.build() : builder.bearerToken(token).build();
  }

  @Test
  void callWithoutATokenIsUnauthenticatedAndStoresNothing() {
    UserException error = fails(() -> client(null).create(NewUser.of("Ada", "ada@example.com")));

    assertThat(error.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(store.size()).isZero();
  }

  @Test
  void unknownTokenIsUnauthenticatedAndNotEchoed() {
    UserException error =
        fails(() -> client("guess-secret").list(dev.userapi.core.UserQuery.firstPage(10)));

    assertThat(error.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(error.getMessage()).doesNotContain("guess-secret");
  }

  @Test
  void readScopeMayReadButNotWrite() {
    User ada = client("writer-secret").create(NewUser.of("Ada", "ada@example.com"));
    GrpcUserClient reader = client("reader-secret");

    assertThat(reader.get(ada.id())).isEqualTo(ada);
    assertThat(BlockingStream.toList(reader.stream(UserFilter.all()))).containsExactly(ada);
    UserException denied = fails(() -> reader.delete(ada.id(), null));
    UserException bulkDenied =
        fails(() -> reader.createAll(List.of(NewUser.of("B", "b@example.com"))));

    assertThat(denied.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(denied.getMessage()).contains(Scopes.WRITE);
    assertThat(bulkDenied.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void adminScopeMayDoEverything() {
    GrpcUserClient admin = client("admin-secret");
    User ada = admin.create(NewUser.of("Ada", "ada@example.com"));

    admin.delete(ada.id(), ada.etag());

    assertThat(store.size()).isZero();
  }

  @Test
  void healthStaysOpenWithoutAToken() {
    assertThat(client(null).health()).isEqualTo(HealthStatus.SERVING);
  }

  @Test
  void bearerTokenNeverPrintsTheSecret() {
    assertThat(new BearerToken("writer-secret").toString()).doesNotContain("writer-secret");
  }

  private static UserException fails(ThrowingCallable call) {
    UserException error = catchThrowableOfType(UserException.class, call);
    assertThat(error).isNotNull();
    return error;
  }
}
