package dev.userapi.grpc.internal;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.HealthStatus;
import dev.userapi.core.UserService;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a server's {@code grpc.health.v1} statuses ({@code ""} and {@code userapi.v1.UserService})
 * in step with {@link UserService#health()}, which REST's {@code GET /api/health} asks on every
 * call: a store that goes down turns both protocols NOT_SERVING. The service is asked once when the
 * reporter starts and then every interval, on a daemon thread of its own; a status is written only
 * when the service's answer changes, so a status set by hand stays until then. A health call that
 * throws counts as NOT_SERVING.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class HealthReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthReporter.class);

  private final UserService users;
  private final HealthStatusManager health;
  private final ScheduledExecutorService scheduler;
  private HealthStatus last; // confined to the starting thread, then to the scheduler's

  private HealthReporter(UserService users, HealthStatusManager health) {
    this.users = users;
    this.health = health;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "userapi-grpc-health");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Reports the service's health now, then every {@code interval} until {@link #close()}.
   *
   * @param users the service whose health is reported
   * @param health the statuses to keep in step
   * @param interval how often to ask, positive
   * @return the running reporter
   */
  public static HealthReporter start(
      UserService users, HealthStatusManager health, Duration interval) {
    requireNonNull(users, "users");
    requireNonNull(health, "health");
    Durations.requirePositive(interval, "interval");
    HealthReporter reporter = new HealthReporter(users, health);
    reporter.report();
    long nanos = interval.toNanos();
    reporter.scheduler.scheduleWithFixedDelay(reporter::report, nanos, nanos, TimeUnit.NANOSECONDS);
    return reporter;
  }

  private void report() {
    HealthStatus now;
    try {
      now = users.health();
    } catch (RuntimeException e) {
      if (last != HealthStatus.NOT_SERVING) {
        log.warn("the user service's health check failed; reporting NOT_SERVING", e);
      } else {
        log.debug("the user service's health check still fails", e); // no warning every interval
      }
      now = HealthStatus.NOT_SERVING;
    }
    if (now == last) {
      return;
    }
    if (last != null) {
      log.info("the user service is now {}", now);
    }
    last = now;
    ServingStatus status =
        now == HealthStatus.SERVING ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    health.setStatus(UserServiceGrpc.SERVICE_NAME, status);
  }

  /** Stops asking; the statuses stay as they are. */
  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
