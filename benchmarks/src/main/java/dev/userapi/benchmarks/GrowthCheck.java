package dev.userapi.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Decides whether a series of samples "keeps growing after warm-up". The first {@code warmup}
 * fraction of the samples is ignored; over the rest (the window) a metric grows when both
 *
 * <ol>
 *   <li>the least-squares slope, times the window's length, adds more than {@code maxTrend} of the
 *       window's median (and more than the metric's noise floor), and
 *   <li>the median of the window's last third exceeds the median of its middle third by more than
 *       {@code maxStep} (and by more than the noise floor).
 * </ol>
 *
 * The first alone would flag a single step up (a pool filling once, a cache warming late), the
 * second alone a noisy tail; a leak does both: it trends, and it is still rising at the end. The
 * floor keeps small integers from failing on noise (three threads more of forty is 7 %).
 *
 * <p>Immutable and thread-safe.
 */
record GrowthCheck(double warmup, double maxTrend, double maxStep) {

  /** Too few samples in the window to tell a trend from noise: the verdict is "n/a". */
  static final int MIN_WINDOW = 6;

  GrowthCheck {
    if (!(warmup >= 0 && warmup < 1)) {
      throw new IllegalArgumentException("warmup: " + warmup + " (expected: 0 <= warmup < 1)");
    }
  }

  /**
   * @param growing whether the metric keeps growing by both tests
   * @param judged false when the window was too short to judge
   * @param start the first sample after warm-up
   * @param trend the fitted growth over the window (slope times its length)
   * @param middle the median of the window's middle third
   * @param last the median of the window's last third
   */
  record Verdict(
      String metric,
      boolean growing,
      boolean judged,
      double start,
      double end,
      double peak,
      double trend,
      double middle,
      double last,
      double floor) {

    String describe() {
      if (!judged) {
        return String.format(
            Locale.ROOT, "%-18s n/a (fewer than %d samples after warm-up)", metric, MIN_WINDOW);
      }
      return String.format(
          Locale.ROOT,
          "%-18s %-8s start %9.1f end %9.1f peak %9.1f | trend %+8.1f over the window,"
              + " median middle third %9.1f -> last third %9.1f (floor %.0f)",
          metric,
          growing ? "GROWING" : "flat",
          start,
          end,
          peak,
          trend,
          middle,
          last,
          floor);
    }
  }

  /**
   * Judges one metric.
   *
   * @param seconds the time of each sample
   * @param values the samples
   * @param floor growth below this absolute amount is noise, whatever its percentage
   */
  Verdict judge(String metric, double[] seconds, double[] values, double floor) {
    int n = values.length;
    double peak = Arrays.stream(values).max().orElse(Double.NaN);
    int from = (int) Math.ceil(n * warmup);
    int window = n - from;
    if (window < MIN_WINDOW) {
      return new Verdict(
          metric,
          false,
          false,
          n == 0 ? Double.NaN : values[0],
          n == 0 ? Double.NaN : values[n - 1],
          peak,
          0,
          0,
          0,
          floor);
    }
    double[] t = Arrays.copyOfRange(seconds, from, n);
    double[] v = Arrays.copyOfRange(values, from, n);
    double trend = slope(t, v) * (t[window - 1] - t[0]);
    double median = median(v, 0, window);
    double middle = median(v, window / 3, 2 * window / 3);
    double last = median(v, 2 * window / 3, window);
    boolean trending = trend > Math.max(maxTrend * median, floor);
    boolean rising = last - middle > Math.max(maxStep * middle, floor);
    return new Verdict(
        metric, trending && rising, true, v[0], v[window - 1], peak, trend, middle, last, floor);
  }

  /** Least-squares slope of {@code v} over {@code t}. */
  static double slope(double[] t, double[] v) {
    double meanT = Arrays.stream(t).average().orElse(0);
    double meanV = Arrays.stream(v).average().orElse(0);
    double num = 0;
    double den = 0;
    for (int i = 0; i < t.length; i++) {
      num += (t[i] - meanT) * (v[i] - meanV);
      den += (t[i] - meanT) * (t[i] - meanT);
    }
    return den == 0 ? 0 : num / den;
  }

  /** The median of {@code v[from..to)}. */
  static double median(double[] v, int from, int to) {
    double[] sorted = Arrays.copyOfRange(v, from, to);
    Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }
}
