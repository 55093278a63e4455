package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userapi.core.DefaultUserService;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** The argument checks of {@link UserGrpcService.Builder}. */
class UserGrpcServiceBuilderTest {
  private final UserGrpcService.Builder builder =
      UserGrpcService.builder(DefaultUserService.inMemory());

  @Test
  void aStalledStreamTimeoutNeedsTheCallersScheduler() {
    assertThatThrownBy(() -> builder.stalledStreamTimeout(Duration.ofSeconds(1), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler");
  }

  @Test
  void aStalledStreamTimeoutMustBePositive() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      assertThatThrownBy(() -> builder.stalledStreamTimeout(Duration.ZERO, scheduler))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("timeout: PT0S (expected: > 0)");
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void theBatchLimitMustBeAtLeastOne() {
    assertThatThrownBy(() -> builder.maxBatchItems(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBatchItems: 0 (expected: >= 1)");
  }
}
