package dev.userapi.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Runs the whole benchmark in {@code --quick} mode against in-process servers and checks that it
 * produced a well-formed report. No timing is asserted: this is about the command working.
 */
class BenchmarkSmokeTest {
  @TempDir static Path out;
  static int exitCode;
  static JsonNode results;

  @BeforeAll
  static void runQuickBenchmark() throws Exception {
    exitCode =
        new CommandLine(new Benchmark())
            .execute("--quick", "--no-progress", "--out", out.toString());
    results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
  }

  @Test
  void theQuickRunCompletesWithoutFailedOperations() {
    assertThat(exitCode).isZero();
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
    Set<String> expected = RestApi.available() ? Set.of("grpc", "rest") : Set.of("grpc");
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
    for (JsonNode cell : results.path("medians")) {
      assertThat(cell.path("p50Us").asDouble()).as(cell.toString()).isPositive();
      assertThat(cell.path("responseBytes").asDouble()).as(cell.toString()).isPositive();
      assertThat(cell.path("serverCpuUs").asDouble()).as(cell.toString()).isGreaterThanOrEqualTo(0);
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
