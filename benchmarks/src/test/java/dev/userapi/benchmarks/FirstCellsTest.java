package dev.userapi.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which cells warm up longer, over the cells of a default run in the order {@link Session} runs
 * them (gRPC first, as in odd runs).
 */
class FirstCellsTest {
  private static final Set<String> SERVER_WARMED = Benchmark.Environment.SERVER_WARMUP_WORKLOADS;

  /** The timed cells of a default run at concurrency 1 and 16, protocol by protocol. */
  private static List<Result.Cell> cellsOfARun() {
    List<Result.Cell> cells = new ArrayList<>();
    for (String workload : List.of("get", "list50")) {
      for (int c : List.of(1, 16)) {
        cells.add(cell(workload, "grpc", "ours", "unary", c));
        cells.add(cell(workload, "grpc", "bare", "unary", c));
        cells.add(cell(workload, "rest", "ours", "unary", c));
        cells.add(cell(workload, "rest", "ours", "protobuf", c));
        cells.add(cell(workload, "rest", "bare", "unary", c));
        cells.add(cell(workload, "rest", "raw", "unary", c));
      }
    }
    for (String workload : List.of("update", "create")) {
      for (int c : List.of(1, 16)) {
        cells.add(cell(workload, "grpc", "ours", "unary", c));
        cells.add(cell(workload, "rest", "ours", "unary", c));
      }
    }
    return cells;
  }

  private static Result.Cell cell(
      String workload, String protocol, String variant, String mode, int c) {
    return new Result.Cell(workload, protocol, variant, mode, "small", c, false, false);
  }

  private static List<String> picked(FirstCells firstCells) {
    List<String> picked = new ArrayList<>();
    for (Result.Cell cell : cellsOfARun()) {
      if (firstCells.warmLonger(cell)) {
        picked.add(cell.label());
      }
    }
    return picked;
  }

  @Test
  void afterTheServerWarmUpTheFirstCellOfEachProtocolAndOfEachWriteWarmsLonger() {
    List<String> log = new ArrayList<>();
    List<String> picked = picked(new FirstCells(true, SERVER_WARMED, 2, log));
    assertThat(picked)
        .containsExactly(
            "get grpc/ours unary c1",
            "get rest/ours unary c1",
            "update grpc/ours unary c1",
            "update rest/ours unary c1",
            "create grpc/ours unary c1",
            "create rest/ours unary c1");
    assertThat(log).allMatch(line -> line.startsWith("run 2: ")).hasSameSizeAs(picked);
  }

  @Test
  void withoutAServerWarmUpTheFirstCellOfEveryWorkloadWarmsLonger() {
    assertThat(picked(new FirstCells(true, Set.of(), 1, new ArrayList<>())))
        .containsExactly(
            "get grpc/ours unary c1",
            "get rest/ours unary c1",
            "list50 grpc/ours unary c1",
            "list50 rest/ours unary c1",
            "update grpc/ours unary c1",
            "update rest/ours unary c1",
            "create grpc/ours unary c1",
            "create rest/ours unary c1");
  }

  @Test
  void aJvmThatRanTheCellsBeforeWarmsNoCellLonger() {
    List<String> log = new ArrayList<>();
    FirstCells firstCells = new FirstCells(false, Set.of(), 2, log);
    assertThat(picked(firstCells)).isEmpty();
    assertThat(log).isEmpty();
    assertThat(firstCells.coldStart()).isFalse();
  }

  @Test
  void aRunOfOneWriteWarmsItsFirstCellOnceAsTheFirstOfItsProtocol() {
    FirstCells firstCells = new FirstCells(true, SERVER_WARMED, 1, new ArrayList<>());
    assertThat(firstCells.warmLonger(cell("update", "rest", "ours", "unary", 1))).isTrue();
    assertThat(firstCells.warmLonger(cell("update", "rest", "ours", "unary", 16))).isFalse();
  }
}
