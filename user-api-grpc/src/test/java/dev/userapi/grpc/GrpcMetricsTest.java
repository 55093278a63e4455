package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GrpcMetrics} around a {@link UserGrpcService} on a plain Netty server. */
@Timeout(60)
class GrpcMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private LoopbackServer server;
  private GrpcUserClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(UserService users) {
    server =
        LoopbackServer.builder(UserGrpcService.of(users))
            .intercept(GrpcMetrics.interceptor(registry))
            .start();
    client = GrpcUserClient.connect(server.target());
  }

  private Timer timer(String method, String code) {
    return registry
        .find(GrpcMetrics.CALLS)
        .tags("protocol", "grpc", "method", method, "code", code)
        .timer();
  }

  private Counter errors(String method, String code) {
    return registry
        .find(GrpcMetrics.ERRORS)
        .tags("protocol", "grpc", "method", method, "code", code)
        .counter();
  }

  @Test
  void everyCallIsTimedByMethodAndOutcome() {
    start(DefaultUserService.inMemory());

    User ada = client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.get(ada.id());
    client.get(ada.id());

    assertThat(timer("CreateUser", "OK").count()).isEqualTo(1);
    assertThat(timer("GetUser", "OK").count()).isEqualTo(2);
    assertThat(timer("GetUser", "OK").totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(registry.find(GrpcMetrics.ERRORS).counters()).isEmpty();
  }

  @Test
  void aFailedCallIsTimedAndCountedUnderItsErrorCode() {
    start(DefaultUserService.inMemory());
    User ada = client.create(NewUser.of("Ada", "ada@example.com"), null);
    User gone = client.create(NewUser.of("Bob", "bob@example.com"), null);
    client.delete(gone.id(), null);

    UserException missing = catchThrowableOfType(UserException.class, () -> client.get(gone.id()));
    UserException taken =
        catchThrowableOfType(
            UserException.class, () -> client.create(NewUser.of("Eve", ada.email()), null));

    assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(taken.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(timer("GetUser", "NOT_FOUND").count()).isEqualTo(1);
    assertThat(errors("GetUser", "NOT_FOUND").count()).isEqualTo(1);
    assertThat(timer("CreateUser", "ALREADY_EXISTS").count()).isEqualTo(1);
    assertThat(errors("CreateUser", "ALREADY_EXISTS").count()).isEqualTo(1);
    assertThat(timer("CreateUser", "OK").count()).isEqualTo(2);
    assertThat(errors("CreateUser", "OK")).isNull();
  }

  @Test
  void aServerStreamIsRecordedOnceWhenItEnds() {
    start(DefaultUserService.inMemory());
    client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.create(NewUser.of("Bob", "bob@example.com"), null);

    List<User> all = BlockingStream.toList(client.stream(UserFilter.all()));

    assertThat(all).hasSize(2);
    assertThat(timer("StreamUsers", "OK").count()).isEqualTo(1);
  }

  @Test
  void aWatchTheClientCancelsIsRecordedAsCancelled() {
    start(DefaultUserService.inMemory());
    client.create(NewUser.of("Ada", "ada@example.com"), null);
    // From the start of history: the event is there however late the watch begins on the server.
    BlockingStream<?> watch = BlockingStream.of(client.watch(0));
    assertThat(watch.hasNext()).isTrue();

    watch.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> timer("WatchUsers", "CANCELLED") != null);
    assertThat(timer("WatchUsers", "CANCELLED").count()).isEqualTo(1);
    assertThat(errors("WatchUsers", "CANCELLED").count()).isEqualTo(1);
  }
}
