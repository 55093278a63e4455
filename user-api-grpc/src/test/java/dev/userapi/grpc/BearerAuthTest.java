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
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserOperation;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserUpdate;
import dev.userapi.proto.v1.LookupUsersRequest;
import dev.userapi.proto.v1.LookupUsersResponse;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link BearerAuthInterceptor} and {@link BearerToken} over Netty on loopback. */
class BearerAuthTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

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
  void adminScopeMayDoEverything() throws Exception {
    GrpcUserClient admin = client("admin-secret");
    Set<UserOperation> performed = EnumSet.noneOf(UserOperation.class);
    User ada = admin.create(NewUser.of("Ada", "ada@example.com"));
    performed.add(UserOperation.CREATE);

    // An exhaustive switch: a new operation does not compile here until this test calls it.
    for (UserOperation operation : UserOperation.values()) {
      User current = store.findById(ada.id()).orElse(null);
      switch (operation) {
        case CREATE -> {} // above: every other operation needs Ada
        case GET -> assertThat(admin.get(ada.id())).isEqualTo(current);
        case UPDATE ->
            assertThat(admin.update(ada.id(), UserUpdate.builder().age(37).build(), null).age())
                .hasValue(37);
        case REPLACE ->
            assertThat(admin.replace(ada.id(), NewUser.of("Ada L", "ada@example.com"), null).name())
                .isEqualTo("Ada L");
        case LIST ->
            assertThat(admin.list(UserQuery.firstPage(10)).items()).containsExactly(current);
        case STREAM ->
            assertThat(BlockingStream.toList(admin.stream(UserFilter.all())))
                .containsExactly(current);
        case WATCH -> {
          try (BlockingStream<UserEvent> history = BlockingStream.of(admin.watch(0))) {
            assertThat(history.hasNext(WAIT)).isTrue();
            assertThat(history.next().user().id()).isEqualTo(ada.id());
          }
        }
        case CREATE_ALL ->
            assertThat(admin.createAll(List.of(NewUser.of("Bob", "bob@example.com"))))
                .allSatisfy(result -> assertThat(result.succeeded()).isTrue());
        case LOOKUP -> assertThat(lookUp(ada.id()).getUser().getId()).isEqualTo(ada.id());
        case DELETE -> {} // last, below, so the others still find Ada
      }
      performed.add(operation);
    }
    admin.delete(ada.id(), null);

    assertThat(performed).containsExactlyInAnyOrder(UserOperation.values());
    assertThat(store.findById(ada.id())).isEmpty();
    assertThat(store.size()).as("Bob, from the batch create").isEqualTo(1);
  }

  /** One LookupUsers session with the admin token: the one rpc GrpcUserClient does not offer. */
  private LookupUsersResponse lookUp(String id) throws Exception {
    CompletableFuture<LookupUsersResponse> answer = new CompletableFuture<>();
    StreamObserver<LookupUsersRequest> requests =
        UserServiceGrpc.newStub(channel)
            .withCallCredentials(new BearerToken("admin-secret"))
            .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
            .lookupUsers(
                new StreamObserver<>() {
                  @Override
                  public void onNext(LookupUsersResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    answer.completeExceptionally(new AssertionError("no answer"));
                  }
                });
    requests.onNext(LookupUsersRequest.newBuilder().setId(id).build());
    requests.onCompleted();
    return answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
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
