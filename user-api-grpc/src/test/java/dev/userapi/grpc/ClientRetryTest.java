package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import dev.userapi.testkit.FlakyUserService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry policy of a {@link GrpcUserClient} built from a target, against real Netty servers on
 * loopback: idempotent calls are repeated after UNAVAILABLE, creates and updates never are, and a
 * server that dies during a create leaves at most the one user it accepted.
 */
class ClientRetryTest {
  private final DefaultUserService store = DefaultUserService.inMemory();
  private final FlakyUserService flaky = new FlakyUserService(store);
  private final List<Server> servers = new ArrayList<>();
  private final List<GrpcUserClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    flaky.release();
    for (GrpcUserClient client : clients) {
      client.close();
    }
    for (Server server : servers) {
      server.shutdownNow();
      server.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void getIsRetriedAfterUnavailableAndSucceeds() throws IOException {
    User ada = store.create(NewUser.of("Ada", "ada@example.com"), null);
    GrpcUserClient client = clientOf(start(flaky));
    flaky.failNext(ErrorCode.UNAVAILABLE);

    assertThat(client.get(ada.id())).isEqualTo(ada);
    assertThat(flaky.gets()).isEqualTo(2);
  }

  @Test
  void listStreamReplaceAndDeleteAreRetriedAfterUnavailable() throws IOException {
    User ada = store.create(NewUser.of("Ada", "ada@example.com"), null);
    GrpcUserClient client = clientOf(start(flaky));

    flaky.failNext(ErrorCode.UNAVAILABLE);
    assertThat(client.list(UserQuery.firstPage(10)).items()).containsExactly(ada);
    flaky.failNext(ErrorCode.UNAVAILABLE);
    assertThat(BlockingStream.toList(client.stream(UserFilter.all()))).containsExactly(ada);
    flaky.failNext(ErrorCode.UNAVAILABLE);
    User replaced = client.replace(ada.id(), NewUser.of("Ada L", "ada@example.com"), ada.etag());
    flaky.failNext(ErrorCode.UNAVAILABLE);
    client.delete(ada.id(), replaced.etag());

    assertThat(flaky.lists()).isEqualTo(2);
    assertThat(flaky.streams()).isEqualTo(2);
    assertThat(flaky.replaces()).isEqualTo(2);
    assertThat(flaky.deletes()).isEqualTo(2);
    assertThat(store.list(UserQuery.firstPage(10)).items()).isEmpty();
  }

  @Test
  void aGetThatStaysUnavailableFailsAfterThreeAttempts() throws IOException {
    GrpcUserClient client = clientOf(start(flaky));
    flaky.failNext(ErrorCode.UNAVAILABLE, 5);

    UserException error = catchThrowableOfType(UserException.class, () -> client.get("u1"));

    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(flaky.gets()).isEqualTo(3);
  }

  @Test
  void maxAttemptsSetsHowOftenAGetIsTried() throws IOException {
    Server server = start(flaky);
    GrpcUserClient client =
        track(
            GrpcUserClient.builder()
                .target("127.0.0.1:" + server.getPort())
                .maxAttempts(5)
                .build());
    flaky.failNext(ErrorCode.UNAVAILABLE, 10);

    UserException error = catchThrowableOfType(UserException.class, () -> client.get("u1"));

    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(flaky.gets()).isEqualTo(5);
  }

  @Test
  void maxAttemptsBelowOneIsRejected() {
    assertThatThrownBy(() -> GrpcUserClient.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts: 0 (expected: >= 1)");
  }

  @Test
  void otherErrorsAreNotRetried() throws IOException {
    GrpcUserClient client = clientOf(start(flaky));
    flaky.failNext(ErrorCode.INTERNAL);

    UserException error = catchThrowableOfType(UserException.class, () -> client.get("u1"));

    assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(flaky.gets()).isEqualTo(1);
  }

  @Test
  void aCreateIsNotRetriedAfterUnavailable() throws IOException {
    GrpcUserClient client = clientOf(start(flaky));
    flaky.failNext(ErrorCode.UNAVAILABLE);

    UserException error =
        catchThrowableOfType(
            UserException.class, () -> client.create(NewUser.of("Ada", "ada@example.com"), null));

    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(flaky.creates()).isEqualTo(1);
    assertThat(store.list(UserQuery.firstPage(10)).items()).isEmpty();
  }

  @Test
  void anUpdateIsNotRetriedAfterUnavailable() throws IOException {
    User ada = store.create(NewUser.of("Ada", "ada@example.com"), null);
    GrpcUserClient client = clientOf(start(flaky));
    flaky.failNext(ErrorCode.UNAVAILABLE);

    UserException error =
        catchThrowableOfType(
            UserException.class,
            () -> client.update(ada.id(), UserUpdate.builder().name("Ada L").build(), null));

    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(flaky.updates()).isEqualTo(1);
    assertThat(store.get(ada.id()).name()).isEqualTo("Ada");
  }

  @Test
  void aClientWithOneAttemptDoesNotRetryAGet() throws IOException {
    Server server = start(flaky);
    GrpcUserClient client =
        track(
            GrpcUserClient.builder()
                .target("127.0.0.1:" + server.getPort())
                .maxAttempts(1)
                .build());
    flaky.failNext(ErrorCode.UNAVAILABLE);

    UserException error = catchThrowableOfType(UserException.class, () -> client.get("u1"));

    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(flaky.gets()).isEqualTo(1);
  }

  @Test
  void aClientOverACallersChannelUsesThatChannelsConfiguration() {
    try (GrpcFixture fixture = GrpcFixture.netty(flaky)) {
      flaky.failNext(ErrorCode.UNAVAILABLE);

      UserException error =
          catchThrowableOfType(UserException.class, () -> fixture.client.get("u1"));

      assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(flaky.gets()).isEqualTo(1);
    }
  }

  @Test
  void aServerThatDiesDuringACreateLeavesTheCallerUnavailableAndAtMostOneUser() throws Exception {
    Server server = start(flaky);
    GrpcUserClient client = clientOf(server);
    flaky.holdCreates();
    CompletableFuture<User> call =
        CompletableFuture.supplyAsync(
            () -> client.create(NewUser.of("Ada", "ada@example.com"), "req-1"));
    assertThat(flaky.awaitCreateEntered(Duration.ofSeconds(10))).isTrue();

    server.shutdownNow();
    ExecutionException failure =
        catchThrowableOfType(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
    flaky.release();
    assertThat(flaky.awaitCreateDone(Duration.ofSeconds(10))).isTrue();

    assertThat(failure.getCause()).isInstanceOf(UserException.class);
    assertThat(((UserException) failure.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(flaky.creates()).isEqualTo(1);
    List<User> stored = store.list(UserQuery.firstPage(10)).items();
    assertThat(stored).hasSize(1);

    // The documented way out: the caller retries with the same request id.
    GrpcUserClient again = clientOf(start(flaky));
    User ada = again.create(NewUser.of("Ada", "ada@example.com"), "req-1");
    assertThat(ada).isEqualTo(stored.get(0));
    assertThat(store.list(UserQuery.firstPage(10)).items()).hasSize(1);
  }

  private Server start(UserService users) throws IOException {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(UserGrpcService.of(users))
            .build()
            .start();
    servers.add(server);
    return server;
  }

  private GrpcUserClient clientOf(Server server) {
    return track(GrpcUserClient.connect("127.0.0.1:" + server.getPort()));
  }

  private GrpcUserClient track(GrpcUserClient client) {
    clients.add(client);
    return client;
  }
}
