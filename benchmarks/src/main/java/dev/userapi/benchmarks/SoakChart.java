package dev.userapi.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * The soak's chart: one small line chart per metric, two to a row, in one self-contained SVG. Each
 * panel shades the warm-up, draws the samples, and for judged metrics the least-squares line over
 * the rest, with the verdict in the title (red when growing).
 *
 * <p>Stateless.
 */
final class SoakChart {
  private static final int W = 420;
  private static final int H = 170;
  private static final int LEFT = 56;
  private static final int RIGHT = 24; // room for the last time label, centred on the edge
  private static final int TOP = 24;
  private static final int BOTTOM = 26;
  private static final int COLUMNS = 2;

  private SoakChart() {}

  /** One panel: a metric's samples and, if judged, its verdict. */
  record Panel(String title, double[] values, GrowthCheck.Verdict verdict) {}

  static String svg(String heading, double[] seconds, double warmupEnd, List<Panel> panels) {
    int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
    int width = W * COLUMNS;
    int height = 30 + H * rows;
    StringBuilder s = new StringBuilder();
    s.append(
        f(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">\n",
            width, height));
    s.append(f("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
    s.append(
        f(
            "<text x=\"8\" y=\"19\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
            esc(heading)));
    for (int i = 0; i < panels.size(); i++) {
      int x0 = (i % COLUMNS) * W;
      int y0 = 30 + (i / COLUMNS) * H;
      panel(s, x0, y0, seconds, warmupEnd, panels.get(i));
    }
    return s.append("</svg>\n").toString();
  }

  private static void panel(
      StringBuilder s, int x0, int y0, double[] t, double warmupEnd, Panel p) {
    double[] v = p.values();
    double tMax = t.length == 0 ? 1 : Math.max(1, t[t.length - 1]);
    double vMin = 0;
    double vMax = 1;
    for (double value : v) {
      vMax = Math.max(vMax, value);
    }
    vMax *= 1.1;
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    Scale x = value -> x0 + LEFT + value / tMax * plotW;
    double top = vMax;
    Scale y = value -> y0 + TOP + plotH - (value - vMin) / (top - vMin) * plotH;

    GrowthCheck.Verdict verdict = p.verdict();
    String state =
        verdict == null
            ? ""
            : !verdict.judged() ? " - n/a" : verdict.growing() ? " - GROWING" : " - flat";
    String colour = verdict != null && verdict.growing() ? "#c62828" : "#222";
    s.append(
        f(
            "<text x=\"%d\" y=\"%d\" font-weight=\"bold\" fill=\"%s\">%s%s</text>\n",
            x0 + LEFT, y0 + 16, colour, esc(p.title()), state));
    s.append(
        f(
            "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#eee\"/>\n",
            x.at(0), y0 + TOP, x.at(warmupEnd) - x.at(0), plotH));
    s.append(
        f(
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>\n",
            x0 + LEFT, y0 + TOP, plotW, plotH));
    for (int k = 0; k <= 2; k++) {
      double value = vMin + (top - vMin) * k / 2;
      s.append(
          f(
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>\n",
              x0 + LEFT - 4, y.at(value) + 4, number(value)));
    }
    for (int k = 0; k <= 4; k++) {
      double sec = tMax * k / 4;
      s.append(
          f(
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
              x.at(sec), y0 + H - 10, minutes(sec)));
    }
    if (v.length > 0) {
      s.append("<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"");
      for (int i = 0; i < v.length; i++) {
        s.append(f("%.1f,%.1f ", x.at(t[i]), y.at(v[i])));
      }
      s.append("\"/>\n");
    }
    if (verdict != null && verdict.judged()) {
      trendLine(s, t, v, warmupEnd, x, y, colour);
    }
  }

  /** The least-squares line over the samples after warm-up, dashed. */
  private static void trendLine(
      StringBuilder s, double[] t, double[] v, double warmupEnd, Scale x, Scale y, String colour) {
    int from = 0;
    while (from < t.length && t[from] < warmupEnd) {
      from++;
    }
    if (t.length - from < 2) {
      return;
    }
    double[] tw = java.util.Arrays.copyOfRange(t, from, t.length);
    double[] vw = java.util.Arrays.copyOfRange(v, from, v.length);
    double slope = GrowthCheck.slope(tw, vw);
    double meanT = java.util.Arrays.stream(tw).average().orElse(0);
    double meanV = java.util.Arrays.stream(vw).average().orElse(0);
    double t1 = tw[0];
    double t2 = tw[tw.length - 1];
    s.append(
        f(
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                + " stroke-dasharray=\"5,3\"/>\n",
            x.at(t1),
            y.at(meanV + slope * (t1 - meanT)),
            x.at(t2),
            y.at(meanV + slope * (t2 - meanT)),
            colour));
  }

  private interface Scale {
    double at(double value);
  }

  private static String number(double v) {
    if (v >= 100 || v == Math.rint(v)) {
      return f("%.0f", v);
    }
    return f("%.1f", v);
  }

  private static String minutes(double seconds) {
    return seconds < 120 ? f("%.0fs", seconds) : f("%.1fm", seconds / 60);
  }

  private static String esc(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
