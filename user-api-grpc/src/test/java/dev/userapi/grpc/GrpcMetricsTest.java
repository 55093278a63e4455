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
import dev.userapi.core.UserOperation;
import dev.userapi.core.UserService;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
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

  /**
   * The timer of {@code operation} and {@code code}, or null; when there is one, its tags must be
   * exactly these three (a fourth tag, bounded or not, fails the test).
   */
  private Timer timer(UserOperation operation, String code) {
    Timer timer =
        registry.find(GrpcMetrics.CALLS).tags("method", operation.name(), "code", code).timer();
    if (timer != null) {
      assertThat(timer.getId().getTags())
          .containsExactlyInAnyOrderElementsOf(tags(operation, code));
    }
    return timer;
  }

  /**
   * The error counter of {@code operation} and {@code code}, or null; tags as for {@link #timer}.
   */
  private Counter errors(UserOperation operation, String code) {
    Counter counter =
        registry.find(GrpcMetrics.ERRORS).tags("method", operation.name(), "code", code).counter();
    if (counter != null) {
      assertThat(counter.getId().getTags())
          .containsExactlyInAnyOrderElementsOf(tags(operation, code));
    }
    return counter;
  }

  private static List<Tag> tags(UserOperation operation, String code) {
    return List.of(
        Tag.of("protocol", "grpc"), Tag.of("method", operation.name()), Tag.of("code", code));
  }

  @Test
  void everyCallIsTimedByItsUserOperationAndOutcome() {
    start(DefaultUserService.inMemory());

    User ada = client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.get(ada.id());
    client.get(ada.id());

    assertThat(timer(UserOperation.CREATE, "OK").count()).isEqualTo(1);
    assertThat(timer(UserOperation.GET, "OK").count()).isEqualTo(2);
    assertThat(timer(UserOperation.GET, "OK").totalTime(TimeUnit.NANOSECONDS)).isPositive();
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
    assertThat(timer(UserOperation.GET, "NOT_FOUND").count()).isEqualTo(1);
    assertThat(errors(UserOperation.GET, "NOT_FOUND").count()).isEqualTo(1);
    assertThat(timer(UserOperation.CREATE, "ALREADY_EXISTS").count()).isEqualTo(1);
    assertThat(errors(UserOperation.CREATE, "ALREADY_EXISTS").count()).isEqualTo(1);
    assertThat(timer(UserOperation.CREATE, "OK").count()).isEqualTo(2);
    assertThat(errors(UserOperation.CREATE, "OK")).isNull();
  }

  @Test
  void aServerStreamIsRecordedOnceWhenItEnds() {
    start(DefaultUserService.inMemory());
    client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.create(NewUser.of("Bob", "bob@example.com"), null);

    List<User> all = BlockingStream.toList(client.stream(UserFilter.all()));

    assertThat(all).hasSize(2);
    assertThat(timer(UserOperation.STREAM, "OK").count()).isEqualTo(1);
  }

  @Test
  void aWatchTheClientCancelsIsRecordedAsCancelled() {
    start(DefaultUserService.inMemory());
    client.create(NewUser.of("Ada", "ada@example.com"), null);
    // From the start of history: the event is there however late the watch begins on the server.
    BlockingStream<?> watch = BlockingStream.of(client.watch(0));
    assertThat(watch.hasNext()).isTrue();

    watch.close();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> timer(UserOperation.WATCH, "CANCELLED") != null);
    assertThat(timer(UserOperation.WATCH, "CANCELLED").count()).isEqualTo(1);
    assertThat(errors(UserOperation.WATCH, "CANCELLED").count()).isEqualTo(1);
  }

  @Test
  void everyMeterCarriesExactlyProtocolMethodAndCodeWithAnOperationAsMethod() {
    start(DefaultUserService.inMemory());
    User ada = client.create(NewUser.of("Ada", "ada@example.com"), null);
    client.list(dev.userapi.core.UserQuery.firstPage(10));
    client.createAll(List.of(NewUser.of("Bob", "bob@example.com")));
    catchThrowableOfType(UserException.class, () -> client.get("missing"));
    client.delete(ada.id(), null);

    List<Meter> meters = registry.getMeters();

    assertThat(meters).isNotEmpty();
    for (Meter meter : meters) {
      assertThat(meter.getId().getTags())
          .extracting(Tag::getKey)
          .containsExactlyInAnyOrder("protocol", "method", "code");
      assertThat(meter.getId().getTag("method"))
          .isIn(Arrays.stream(UserOperation.values()).map(Enum::name).toList());
    }
    assertThat(timer(UserOperation.LIST, "OK").count()).isEqualTo(1);
    assertThat(timer(UserOperation.CREATE_ALL, "OK").count()).isEqualTo(1);
    assertThat(timer(UserOperation.DELETE, "OK").count()).isEqualTo(1);
  }

  @Test
  void callsToOtherServicesAreNotRecorded() {
    HealthStatusManager health = new HealthStatusManager();
    server =
        LoopbackServer.builder(health.getHealthService())
            .intercept(GrpcMetrics.interceptor(registry))
            .start();
    client = GrpcUserClient.connect(server.target());

    client.health();

    assertThat(registry.getMeters()).isEmpty();
  }
}
