package dev.userapi.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the whole benchmark in {@code --quick} mode against the in-process servers (user-server and
 * the raw Grizzly floor) and checks that it produced a well-formed report with every cell. No
 * timing is asserted: this is about the command working.
 */
class BenchmarkSmokeTest {
  @TempDir static Path out;
  static int exitCode;
  static JsonNode results;

  @BeforeAll
  static void runQuickBenchmark() throws Exception {
    exitCode =
        new CommandLine(new Benchmark())
            .execute("--quick", "--in-process", "--no-progress", "--out", out.toString());
    results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
  }

  /**
   * Every cell a quick run has (concurrency 1 and 4, gzip at 4), so that the other tests, which
   * loop over the cells, cannot pass over an empty or shrunken list.
   */
  @Test
  void theQuickRunHasEveryExpectedCell() {
    List<String> expected = new ArrayList<>();
    for (String reads : List.of("get", "list50")) {
      for (String gzip : List.of("off", "on")) {
        for (int c : gzip.equals("off") ? List.of(1, 4) : List.of(4)) {
          for (String p : List.of("grpc ours", "grpc bare", "rest ours", "rest bare")) {
            expected.add(reads + " " + p + " unary c" + c + " gzip " + gzip);
          }
          if (gzip.equals("off")) {
            expected.add(reads + " rest raw unary c" + c + " gzip off");
            expected.add(reads + " rest ours protobuf c" + c + " gzip off");
          }
        }
      }
    }
    expected.addAll(
        List.of(
            "stream grpc ours server-stream c1 gzip off",
            "stream grpc bare server-stream c1 gzip off",
            "stream rest ours ndjson c1 gzip off",
            "stream rest ours paged-1000 c1 gzip off",
            "stream rest bare ndjson c1 gzip off",
            "lookup grpc ours bidi-stream c1 gzip off",
            "lookup grpc bare bidi-stream c1 gzip off",
            "lookup rest ours get-each c4 gzip off",
            "lookup rest bare get-each c4 gzip off",
            "bulk-create grpc ours client-stream c1 gzip off",
            "bulk-create grpc bare client-stream c1 gzip off",
            "bulk-create grpc ours call-each c4 gzip off",
            "bulk-create rest ours batch-body c1 gzip off",
            "bulk-create rest bare batch-body c1 gzip off",
            "bulk-create rest ours post-each c4 gzip off"));
    for (String write : List.of("update", "create")) {
      for (String p : List.of("grpc", "rest")) {
        for (int c : List.of(1, 4)) {
          expected.add(write + " " + p + " ours unary c" + c + " gzip off");
        }
      }
    }
    for (int c : List.of(1, 4)) {
      expected.add("create rest ours protobuf c" + c + " gzip off");
    }
    List<String> cells = new ArrayList<>();
    results.path("runs").forEach(cell -> cells.add(key(cell)));
    assertThat(cells).containsExactlyInAnyOrderElementsOf(expected);
    List<String> medians = new ArrayList<>();
    results.path("medians").forEach(cell -> medians.add(key(cell)));
    assertThat(medians).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static String key(JsonNode cell) {
    return String.join(
        " ",
        cell.path("workload").asText(),
        cell.path("protocol").asText(),
        cell.path("variant").asText(),
        cell.path("mode").asText(),
        "c" + cell.path("concurrency").asText(),
        "gzip " + (cell.path("gzip").asBoolean() ? "on" : "off"));
  }

  /**
   * In process, with no server warm-up: the first cell of each protocol of each timed workload
   * warmed up for the longer first-cell warm-up, and the meta says so.
   */
  @Test
  void theMetaRecordsTheFirstCellsThatWarmedUpLonger() {
    JsonNode meta = results.path("meta");
    assertThat(meta.path("firstCellWarmupMs").asLong()).isEqualTo(300);
    assertThat(meta.path("serverWarmupSeconds").asInt()).isZero();
    List<String> firstCells = new ArrayList<>();
    meta.path("firstCellWarmups").forEach(cell -> firstCells.add(cell.asText()));
    List<String> expected = new ArrayList<>();
    for (String workload : List.of("get", "list50", "update", "create")) {
      for (String protocol : List.of("grpc", "rest")) {
        expected.add("run 1: " + workload + " " + protocol + "/ours unary c1");
      }
    }
    assertThat(firstCells).containsExactlyElementsOf(expected);
  }

  @Test
  void theQuickRunCompletesWithoutFailedOperations() {
    assertThat(exitCode).isZero();
    assertThat(results.path("runs").size()).isPositive();
    for (JsonNode cell : results.path("runs")) {
      assertThat(cell.path("errors").asLong()).as(cell.toString()).isZero();
    }
  }

  @Test
  void everyWorkloadRanOverBothProtocolsWithOperations() {
    Map<String, Set<String>> protocolsWithOps = new HashMap<>();
    for (JsonNode cell : results.path("runs")) {
      if (cell.path("ops").asLong() > 0 && cell.path("variant").asText().equals("ours")) {
        protocolsWithOps
            .computeIfAbsent(cell.path("workload").asText(), w -> new HashSet<>())
            .add(cell.path("protocol").asText());
      }
    }
    assertThat(protocolsWithOps)
        .containsOnlyKeys("get", "list50", "stream", "lookup", "update", "create", "bulk-create");
    Set<String> expected = Set.of("grpc", "rest");
    protocolsWithOps.forEach(
        (workload, protocols) -> assertThat(protocols).as(workload).containsAll(expected));
  }

  @Test
  void bareBaselinesRanForBothProtocols() {
    Set<String> bare = new HashSet<>();
    for (JsonNode cell : results.path("runs")) {
      if (cell.path("variant").asText().equals("bare") && cell.path("ops").asLong() > 0) {
        bare.add(cell.path("protocol").asText());
      }
    }
    assertThat(bare).containsExactlyInAnyOrder("grpc", "rest");
  }

  @Test
  void resultsCarryLatencyBytesAndServerCpu() {
    assertThat(results.path("medians").size()).isPositive();
    for (JsonNode cell : results.path("medians")) {
      assertThat(cell.path("p50Us").asDouble()).as(cell.toString()).isPositive();
      assertThat(cell.path("responseBytes").asDouble()).as(cell.toString()).isPositive();
      // Positive, not just present: CpuMeter found the server's threads by their names.
      assertThat(cell.path("serverCpuUs").asDouble()).as(cell.toString()).isPositive();
    }
    assertThat(results.path("ratios").size()).isPositive();
    assertThat(results.path("meta").path("cores").asInt()).isPositive();
  }

  @Test
  void theHtmlReportIsSelfContainedWithCharts() throws Exception {
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "</html>");
    assertThat(html).doesNotContain("<script", "http://cdn", "https://cdn");
    for (String chart : List.of("latency-get", "throughput-get", "bytes", "streaming")) {
      assertThat(out.resolve(chart + ".svg")).isRegularFile();
    }
  }
}
