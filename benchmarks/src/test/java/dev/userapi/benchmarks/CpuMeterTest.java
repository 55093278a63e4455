package dev.userapi.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The thread names that decide what counts as server CPU (as seen in a thread dump of a run). */
class CpuMeterTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "userapi-rest-selector(1) SelectorRunner",
        "userapi-rest-worker-3",
        "userapi-grpc-boss-1",
        "userapi-grpc-loop-2",
        "userapi-grpc-worker-1",
        "userapi-grpc-health",
        "userapi-timer-1",
        "srv-raw-selector(2) SelectorRunner",
        "srv-raw-worker(1)"
      })
  void countsTheThreadsOfUserServerAndTheRawFloor(String name) {
    assertThat(CpuMeter.isServerThread(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cli-worker-0",
        "cli-grpc-2-1",
        "userapi-rest-client-1-reader-1",
        "main",
        "grpc-default-executor-0"
      })
  void neverCountsTheLoadClientsThreads(String name) {
    assertThat(CpuMeter.isServerThread(name)).isFalse();
  }
}
