package dev.userapi.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** What the soak calls growing: a trend that is still rising at the end, above noise. */
class GrowthCheckTest {
  private static final GrowthCheck CHECK = new GrowthCheck(0.2, 0.10, 0.05);
  private static final int SAMPLES = 60; // 10 minutes every 10 s

  @Test
  void aSteadyLeakIsGrowing() {
    GrowthCheck.Verdict verdict = judge(i -> 20 + i * 0.1, 1); // +6 MB over 10 min on 20

    assertThat(verdict.judged()).isTrue();
    assertThat(verdict.growing()).isTrue();
  }

  @Test
  void noiseAroundAPlateauIsFlat() {
    assertThat(judge(i -> 20 + (i % 3 == 0 ? 1.5 : -0.5), 1).growing()).isFalse();
  }

  @Test
  void growthDuringWarmUpAloneIsFlat() {
    assertThat(judge(i -> i < 12 ? 10 + i : 22, 1).growing()).isFalse();
  }

  @Test
  void oneStepAfterWarmUpThatThenHoldsIsFlat() {
    // A pool that fills once early in the window trends upwards but no longer rises at the end.
    assertThat(judge(i -> i < 24 ? 40 : 48, 2).growing()).isFalse();
  }

  @Test
  void growthBelowTheFloorIsFlat() {
    // One thread more every few minutes on forty is 5 %: under a floor of two threads.
    assertThat(judge(i -> 40 + i / 30, 2).growing()).isFalse();
  }

  @Test
  void aWindowTooShortIsNotJudged() {
    GrowthCheck.Verdict verdict =
        CHECK.judge("m", new double[] {10, 20, 30}, new double[] {1, 2, 3}, 0);

    assertThat(verdict.judged()).isFalse();
    assertThat(verdict.growing()).isFalse();
  }

  @Test
  void slopeIsTheLeastSquaresFit() {
    assertThat(GrowthCheck.slope(new double[] {0, 1, 2, 3}, new double[] {1, 3, 5, 7}))
        .isEqualTo(2.0);
  }

  private static GrowthCheck.Verdict judge(IntToDoubleFunction value, double floor) {
    double[] seconds = new double[SAMPLES];
    double[] values = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      seconds[i] = 10.0 * (i + 1);
      values[i] = value.applyAsDouble(i);
    }
    return CHECK.judge("metric", seconds, values, floor);
  }
}
