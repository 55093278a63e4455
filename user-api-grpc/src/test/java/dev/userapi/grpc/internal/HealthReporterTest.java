package dev.userapi.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.UserService;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HealthReporter}, read back through the {@code grpc.health.v1} service it keeps. */
class HealthReporterTest {
  private final HealthStatusManager health = new HealthStatusManager();

  /** What the service says; null makes its health check throw. */
  private final AtomicReference<HealthStatus> storeHealth =
      new AtomicReference<>(HealthStatus.NOT_SERVING);

  private final UserService users =
      new ForwardingUserService(DefaultUserService.inMemory()) {
        @Override
        public HealthStatus health() {
          HealthStatus now = storeHealth.get();
          if (now == null) {
            throw new IllegalStateException("the store's health check blew up");
          }
          return now;
        }
      };

  private Server server;
  private ManagedChannel channel;
  private HealthReporter reporter;

  @BeforeEach
  void start() throws IOException {
    String name = "health-" + UUID.randomUUID();
    server =
        InProcessServerBuilder.forName(name).addService(health.getHealthService()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (reporter != null) {
      reporter.close();
    }
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  private ServingStatus status(String service) {
    return HealthGrpc.newBlockingStub(channel)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  @Test
  void theServiceIsAskedAtStartSoADownServiceIsNeverReportedServing() {
    reporter = HealthReporter.start(users, health, Duration.ofHours(1));

    assertThat(status("")).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(status(UserServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING);
  }

  @Test
  void theStatusesFollowTheServiceAndAFailingCheckCountsAsNotServing() {
    reporter = HealthReporter.start(users, health, Duration.ofMillis(50));

    storeHealth.set(HealthStatus.SERVING);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status(UserServiceGrpc.SERVICE_NAME), s -> s == ServingStatus.SERVING);
    assertThat(status("")).isEqualTo(ServingStatus.SERVING);

    storeHealth.set(null);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status(UserServiceGrpc.SERVICE_NAME), s -> s == ServingStatus.NOT_SERVING);
  }
}
