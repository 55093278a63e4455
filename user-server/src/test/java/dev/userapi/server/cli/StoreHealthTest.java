package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.HealthStatus;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A store that goes down, and comes back, is reported the same way on both protocols: REST asks the
 * store on every health call, gRPC's {@code grpc.health.v1} follows it within its check interval.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreHealthTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final AtomicReference<HealthStatus> storeHealth =
      new AtomicReference<>(HealthStatus.SERVING);
  private UserServerCommand server;
  private GrpcUserClient grpc;
  private RestUserClient rest;

  @BeforeEach
  void start() {
    ForwardingUserService store =
        new ForwardingUserService(DefaultUserService.inMemory()) {
          @Override
          public HealthStatus health() {
            return storeHealth.get();
          }
        };
    server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0")
            .start(new Store("switchable in-memory", store, false, () -> {}));
    grpc = GrpcUserClient.connect(server.grpcTarget());
    rest = RestUserClient.connect(server.restUri());
  }

  @AfterEach
  void stop() {
    rest.close();
    grpc.close();
    server.shutdown(Duration.ZERO);
  }

  @Test
  void bothProtocolsReportTheStoreGoingDownAndComingBack() {
    assertThat(rest.health()).isEqualTo(HealthStatus.SERVING);
    assertThat(grpc.health()).isEqualTo(HealthStatus.SERVING);

    storeHealth.set(HealthStatus.NOT_SERVING);
    assertThat(rest.health()).isEqualTo(HealthStatus.NOT_SERVING);
    await().atMost(WAIT).until(grpc::health, s -> s == HealthStatus.NOT_SERVING);

    storeHealth.set(HealthStatus.SERVING);
    assertThat(rest.health()).isEqualTo(HealthStatus.SERVING);
    await().atMost(WAIT).until(grpc::health, s -> s == HealthStatus.SERVING);
  }
}
