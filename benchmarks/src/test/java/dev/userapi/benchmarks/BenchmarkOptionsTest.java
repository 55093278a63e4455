package dev.userapi.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The warm-up options as the command parses them; nothing here starts a server. */
class BenchmarkOptionsTest {
  @TempDir Path out;

  private static Benchmark parse(String... args) {
    Benchmark benchmark = new Benchmark();
    new CommandLine(benchmark).parseArgs(args);
    return benchmark;
  }

  @Test
  void theFirstCellsWarmUpForThreeSecondsByDefault() {
    assertThat(parse().firstCellWarmupMs()).isEqualTo(3_000);
  }

  @Test
  void theFirstCellsNeverWarmUpLessThanEveryCell() {
    assertThat(parse("--warmup-ms", "5000", "--first-warmup-ms", "1000").firstCellWarmupMs())
        .isEqualTo(5_000);
  }

  @Test
  void quickScalesTheFirstCellsWarmUpDown() {
    Benchmark benchmark = parse("--quick");
    benchmark.applyQuick();
    assertThat(benchmark.firstCellWarmupMs()).isEqualTo(300);
  }

  @Test
  void aNegativeFirstWarmUpIsAUsageErrorBeforeAnythingRuns() {
    int exit =
        new CommandLine(new Benchmark())
            .execute("--first-warmup-ms", "-1", "--in-process", "--out", out.toString());
    assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(out).isEmptyDirectory();
  }
}
