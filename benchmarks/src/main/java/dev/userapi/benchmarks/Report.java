package dev.userapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Turns the results of all runs into medians, ratios measured within each run (ours/bare per
 * protocol, gRPC/REST for ours), an aligned text table, {@code results.json} and a self-contained
 * {@code report.html} with inline SVG charts (no scripts, no network).
 */
final class Report {
  private final List<Result> results;
  private final Map<String, Object> meta;
  private final List<Result> medians;
  private final List<Ratio> ratios;

  /**
   * A ratio of two cells of the same run, median over runs.
   *
   * @param kind "ours/bare" or "grpc/rest"
   * @param label which cells
   * @param throughput numerator throughput divided by the denominator's
   * @param p50 numerator median latency over the denominator's (closed-loop cells only, else NaN)
   * @param serverCpu numerator server CPU per item over the denominator's
   * @param wireBytes numerator bytes per item (both directions) over the denominator's
   */
  record Ratio(
      String kind,
      String label,
      double throughput,
      double p50,
      double serverCpu,
      double wireBytes) {}

  Report(List<Result> results, Map<String, Object> meta) {
    this.results = List.copyOf(results);
    this.meta = meta;
    Map<String, List<Result>> byKey = new LinkedHashMap<>();
    for (Result r : results) {
      byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    }
    this.medians = byKey.values().stream().map(Report::median).collect(Collectors.toList());
    this.ratios = ratios(results);
  }

  List<Result> medians() {
    return medians;
  }

  List<Ratio> ratios() {
    return ratios;
  }

  // ---- aggregation

  private static double median(List<Result> group, ToDoubleFunction<Result> f) {
    double[] v = group.stream().mapToDouble(f).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static Result median(List<Result> group) {
    Result first = group.get(0);
    // The distribution drawn is that of the run with the median throughput.
    Result typical =
        group.stream()
            .sorted(Comparator.comparingDouble(Result::itemsPerSec))
            .toList()
            .get(group.size() / 2);
    return new Result(
        0,
        first.workload(),
        first.protocol(),
        first.variant(),
        first.mode(),
        first.payload(),
        first.concurrency(),
        first.gzip(),
        (long) median(group, Result::ops),
        (long) median(group, Result::items),
        group.stream().mapToLong(Result::errors).sum(),
        median(group, Result::seconds),
        median(group, Result::opsPerSec),
        median(group, Result::itemsPerSec),
        median(group, Result::meanUs),
        median(group, Result::p50Us),
        median(group, Result::p90Us),
        median(group, Result::p99Us),
        median(group, Result::p999Us),
        median(group, Result::maxUs),
        median(group, Result::requestBytes),
        median(group, Result::responseBytes),
        median(group, Result::serverCpuUs),
        median(group, Result::processCpuUs),
        first.perItem(),
        typical.distribution());
  }

  /** gRPC mode paired with the REST mode that does the same job. */
  private static final Map<String, List<String>> EQUIVALENT =
      Map.of(
          "unary", List.of("unary"),
          "server-stream", List.of("ndjson", "paged-1000"),
          "client-stream", List.of("batch-body"),
          "call-each", List.of("post-each"),
          "bidi-stream", List.of("get-each"));

  private static List<Ratio> ratios(List<Result> results) {
    Map<String, List<double[]>> values = new LinkedHashMap<>();
    Map<String, String> kinds = new LinkedHashMap<>();
    Map<Integer, List<Result>> byRun =
        results.stream()
            .collect(Collectors.groupingBy(Result::run, LinkedHashMap::new, Collectors.toList()));
    for (List<Result> run : byRun.values()) {
      for (Result a : run) {
        for (Result b : run) {
          String label = null;
          String kind = null;
          if (a.variant().equals("ours")
              && !b.variant().equals("ours")
              && a.protocol().equals(b.protocol())
              && a.mode().equals(b.mode())
              && same(a, b)) {
            kind = "ours/" + b.variant();
            label = a.protocol() + " " + a.workload() + " " + a.mode() + cellSuffix(a);
          } else if (a.variant().equals("ours")
              && b.variant().equals("ours")
              && a.protocol().equals("grpc")
              && b.protocol().equals("rest")
              && EQUIVALENT.getOrDefault(a.mode(), List.of()).contains(b.mode())
              && a.workload().equals(b.workload())
              && a.gzip() == b.gzip()
              && (a.concurrency() == b.concurrency() || a.perItem())) {
            kind = "grpc/rest";
            label = a.workload() + " " + a.mode() + " vs " + b.mode() + cellSuffix(b);
          }
          if (label != null) {
            kinds.put(kind + "|" + label, kind);
            values
                .computeIfAbsent(kind + "|" + label, k -> new ArrayList<>())
                .add(
                    new double[] {
                      a.itemsPerSec() / b.itemsPerSec(),
                      a.perItem() ? Double.NaN : a.p50Us() / b.p50Us(),
                      a.serverCpuUs() < 0 ? Double.NaN : a.serverCpuUs() / b.serverCpuUs(),
                      (a.requestBytes() + a.responseBytes())
                          / (b.requestBytes() + b.responseBytes())
                    });
          }
        }
      }
    }
    List<Ratio> out = new ArrayList<>();
    values.forEach(
        (key, list) ->
            out.add(
                new Ratio(
                    kinds.get(key),
                    key.substring(key.indexOf('|') + 1),
                    med(list, 0),
                    med(list, 1),
                    med(list, 2),
                    med(list, 3))));
    out.sort(
        Comparator.comparing(
            Ratio::kind,
            Comparator.comparing((String k) -> k.startsWith("grpc")).thenComparing(k -> k)));
    return out;
  }

  private static boolean same(Result a, Result b) {
    return a.workload().equals(b.workload())
        && a.concurrency() == b.concurrency()
        && a.gzip() == b.gzip();
  }

  private static String cellSuffix(Result r) {
    return " c" + r.concurrency() + (r.gzip() ? " gzip" : "");
  }

  private static double med(List<double[]> list, int i) {
    double[] v = list.stream().mapToDouble(d -> d[i]).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  // ---- text

  String table() {
    StringBuilder sb = new StringBuilder();
    String[] head = {
      "workload",
      "proto",
      "impl",
      "mode",
      "c",
      "gzip",
      "throughput",
      "p50 µs",
      "p90 µs",
      "p99 µs",
      "p99.9 µs",
      "max µs",
      "req B",
      "resp B",
      "srv CPU µs",
      "errors"
    };
    List<String[]> rows = new ArrayList<>();
    rows.add(head);
    for (Result r : medians) {
      rows.add(
          new String[] {
            r.workload(),
            r.protocol(),
            r.variant(),
            r.mode(),
            Integer.toString(r.concurrency()),
            r.gzip() ? "on" : "off",
            r.perItem() ? fmt(r.itemsPerSec()) + " items/s" : fmt(r.opsPerSec()) + " ops/s",
            fmt(r.p50Us()),
            fmt(r.p90Us()),
            fmt(r.p99Us()),
            fmt(r.p999Us()),
            fmt(r.maxUs()),
            fmt(r.requestBytes()),
            fmt(r.responseBytes()),
            r.serverCpuUs() < 0 ? "n/a" : fmt2(r.serverCpuUs()),
            Long.toString(r.errors())
          });
    }
    appendAligned(sb, rows, 6);
    sb.append('\n');
    List<String[]> ratioRows = new ArrayList<>();
    ratioRows.add(
        new String[] {"ratio", "cells", "throughput", "p50", "srv CPU/item", "wire bytes"});
    for (Ratio r : ratios) {
      ratioRows.add(
          new String[] {
            r.kind(),
            r.label(),
            fmt2(r.throughput()),
            fmt2(r.p50()),
            fmt2(r.serverCpu()),
            fmt2(r.wireBytes())
          });
    }
    appendAligned(sb, ratioRows, 2);
    sb.append(
            "\nLatency: per operation (a whole stream, batch series or session for streaming workloads);\n")
        .append(
            "bytes and CPU: per operation, or per item (user) for stream, lookup and bulk-create.\n")
        .append("Medians of ")
        .append(meta.get("runs"))
        .append(" run(s); ratios are taken within each run, then the median.\n");
    return sb.toString();
  }

  private static void appendAligned(StringBuilder sb, List<String[]> rows, int leftColumns) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        String cell = row[i];
        String pad = " ".repeat(widths[i] - cell.length());
        sb.append(i < leftColumns ? cell + pad : pad + cell)
            .append(i + 1 < row.length ? "  " : "\n");
      }
    }
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String fmt2(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  // ---- files

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("meta", meta);
    json.put("medians", medians);
    json.put("ratios", ratios);
    json.put("runs", results);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("results.json").toFile(), json);
    Files.writeString(dir.resolve("report.html"), html(), StandardCharsets.UTF_8);
    for (Map.Entry<String, String> svg : charts().entrySet()) {
      Files.writeString(dir.resolve(svg.getKey() + ".svg"), svg.getValue(), StandardCharsets.UTF_8);
    }
  }

  private String html() {
    StringBuilder h = new StringBuilder();
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>userapi benchmark: REST vs gRPC</title>\n")
        .append(
            "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;font-size:12px}")
        .append(
            "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td.l,th.l{text-align:left}h2{margin-top:1.5em}")
        .append(".charts{display:flex;flex-wrap:wrap;gap:16px}</style></head><body>\n")
        .append("<h1>userapi benchmark: REST vs gRPC</h1>\n<p>");
    meta.forEach(
        (k, v) ->
            h.append("<b>")
                .append(esc(k))
                .append("</b>: ")
                .append(esc(String.valueOf(v)))
                .append(" &nbsp; "));
    h.append("</p>\n<h2>Charts</h2><div class=\"charts\">\n");
    charts().values().forEach(svg -> h.append(svg).append('\n'));
    h.append(
        "</div>\n<h2>Ratios (median of per-run ratios)</h2>\n<table><tr><th class=\"l\">ratio</th><th class=\"l\">cells</th><th>throughput</th><th>p50</th><th>server CPU/item</th><th>wire bytes</th></tr>\n");
    for (Ratio r : ratios) {
      h.append("<tr><td class=\"l\">")
          .append(esc(r.kind()))
          .append("</td><td class=\"l\">")
          .append(esc(r.label()))
          .append("</td><td>")
          .append(fmt2(r.throughput()))
          .append("</td><td>")
          .append(fmt2(r.p50()))
          .append("</td><td>")
          .append(fmt2(r.serverCpu()))
          .append("</td><td>")
          .append(fmt2(r.wireBytes()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<h2>Results (medians)</h2>\n<table><tr>");
    for (String c : new String[] {"workload", "proto", "impl", "mode", "c", "gzip"}) {
      h.append("<th class=\"l\">").append(c).append("</th>");
    }
    for (String c :
        new String[] {
          "ops/s",
          "items/s",
          "p50 µs",
          "p90 µs",
          "p99 µs",
          "p99.9 µs",
          "max µs",
          "req B",
          "resp B",
          "server CPU µs",
          "process CPU µs",
          "errors"
        }) {
      h.append("<th>").append(c).append("</th>");
    }
    h.append("</tr>\n");
    for (Result r : medians) {
      h.append("<tr>");
      for (String c :
          new String[] {
            r.workload(),
            r.protocol(),
            r.variant(),
            r.mode(),
            Integer.toString(r.concurrency()),
            r.gzip() ? "on" : "off"
          }) {
        h.append("<td class=\"l\">").append(esc(c)).append("</td>");
      }
      for (String c :
          new String[] {
            fmt(r.opsPerSec()),
            fmt(r.itemsPerSec()),
            fmt(r.p50Us()),
            fmt(r.p90Us()),
            fmt(r.p99Us()),
            fmt(r.p999Us()),
            fmt(r.maxUs()),
            fmt(r.requestBytes()),
            fmt(r.responseBytes()),
            r.serverCpuUs() < 0 ? "n/a" : fmt2(r.serverCpuUs()),
            fmt2(r.processCpuUs()),
            Long.toString(r.errors())
          }) {
        h.append("<td>").append(c).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append(
        "</table>\n<p>Bytes are counted at the load client's sockets (HTTP/1.1 heads and bodies; HTTP/2 frames, HPACK and gRPC length prefixes), per operation, or per user for stream, lookup and bulk-create. Server CPU is the CPU time of the server threads; process CPU includes the load client.</p>\n</body></html>\n");
    return h.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  // ---- charts

  private static final String[] COLORS = {
    "#1f77b4", "#aec7e8", "#d62728", "#ff9896", "#2ca02c", "#98df8a", "#9467bd", "#c5b0d5"
  };

  /** The same series keeps its colour in every chart: gRPC blue, REST red, baselines lighter. */
  private static final Map<String, String> SERIES_COLORS =
      Map.of(
          "grpc ours",
          "#1f77b4",
          "grpc bare",
          "#aec7e8",
          "rest ours",
          "#d62728",
          "rest bare",
          "#ff9896",
          "rest raw",
          "#ffbb78",
          "grpc",
          "#1f77b4",
          "rest",
          "#d62728");

  private static String color(String name, int index) {
    return SERIES_COLORS.getOrDefault(name, COLORS[index % COLORS.length]);
  }

  /** Chart name to SVG text. */
  Map<String, String> charts() {
    Map<String, String> charts = new LinkedHashMap<>();
    int mid = ((Number) meta.getOrDefault("gzipConcurrency", 16)).intValue();
    for (String w : List.of("get", "list50")) {
      List<Result> cells = find(r -> r.workload().equals(w) && r.concurrency() == mid && !r.gzip());
      if (!cells.isEmpty()) {
        charts.put(
            "latency-" + w,
            latencyChart("Latency of " + w + " at c" + mid + " (µs by percentile)", cells));
      }
    }
    for (String w : List.of("get", "list50", "create", "update")) {
      List<Result> cells =
          find(r -> r.workload().equals(w) && !r.gzip() && r.mode().equals("unary"));
      if (!cells.isEmpty()) {
        charts.put(
            "throughput-" + w,
            throughputChart("Throughput of " + w + " by concurrency (ops/s)", cells));
      }
    }
    List<Result> bytes =
        find(
            r ->
                (r.workload().equals("get") || r.workload().equals("list50"))
                    && r.variant().equals("ours")
                    && r.concurrency() == mid);
    if (!bytes.isEmpty()) {
      charts.put("bytes", bytesChart("Bytes on the wire per request + response", bytes));
    }
    List<Result> streams = find(r -> r.perItem() && r.variant().equals("ours"));
    if (!streams.isEmpty()) {
      charts.put("streaming", itemsChart("Streaming and bulk: users per second (ours)", streams));
    }
    return charts;
  }

  private List<Result> find(java.util.function.Predicate<Result> p) {
    return medians.stream().filter(p).toList();
  }

  private static String series(Result r) {
    return r.protocol() + " " + r.variant();
  }

  private static final int W = 560;
  private static final int H = 300;
  private static final int L = 70;
  private static final int R = 150;
  private static final int T = 30;
  private static final int B = 40;

  private static StringBuilder svgStart(String title) {
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(W)
        .append("\" height=\"")
        .append(H)
        .append("\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(H)
        .append("\" font-family=\"sans-serif\" font-size=\"11\">")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        .append("<text x=\"")
        .append(W / 2)
        .append("\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">")
        .append(esc(title))
        .append("</text>");
    return s;
  }

  private static void yAxis(StringBuilder s, double max, String unit) {
    int plotH = H - T - B;
    for (int i = 0; i <= 4; i++) {
      gridLine(s, T + plotH - plotH * i / 4.0, fmt(max * i / 4));
    }
    axisTitleAndBaseline(s, unit);
  }

  /** A light horizontal grid line at {@code y}, labelled on the left. */
  private static void gridLine(StringBuilder s, double y, String label) {
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
            L,
            y,
            W - R,
            y));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
            L - 4,
            y + 4,
            esc(label)));
  }

  /** The vertical axis title and the horizontal base line of the plot. */
  private static void axisTitleAndBaseline(StringBuilder s, String title) {
    int plotH = H - T - B;
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>",
            T + plotH / 2,
            T + plotH / 2,
            esc(title)));
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
            L,
            H - B,
            W - R,
            H - B));
  }

  private static void legend(StringBuilder s, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      int y = T + 10 + i * 16;
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>",
              W - R + 10,
              y - 9,
              color(names.get(i), i)));
      s.append(
          String.format(
              Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", W - R + 24, y, esc(names.get(i))));
    }
  }

  private static double niceMax(double v) {
    if (v <= 0 || Double.isNaN(v)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** Percentile on a log scale of 1/(1-p), from 0 to 99.99; latency on a log scale too. */
  private static String latencyChart(String title, List<Result> cells) {
    StringBuilder s = svgStart(title);
    double max =
        cells.stream()
            .flatMap(r -> r.distribution().stream())
            .mapToDouble(p -> p[1])
            .max()
            .orElse(10);
    double min =
        cells.stream()
            .flatMap(r -> r.distribution().stream())
            .mapToDouble(p -> p[1])
            .filter(v -> v > 0)
            .min()
            .orElse(1);
    double lo = Math.floor(Math.log10(Math.max(1, min)));
    double hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(10, max))));
    int plotW = W - L - R;
    int plotH = H - T - B;
    for (double e = lo; e <= hi; e++) {
      gridLine(s, T + plotH - plotH * (e - lo) / (hi - lo), fmt(Math.pow(10, e)));
    }
    axisTitleAndBaseline(s, "µs (log)");
    double[] ticks = {0, 90, 99, 99.9, 99.99};
    for (double p : ticks) {
      double x = L + plotW * xOf(p) / 4.0;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">p%s</text>",
              x,
              H - B + 14,
              p == 0 ? "0" : fmt(p).replace(".0", "")));
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      Result r = cells.get(i);
      names.add(series(r));
      StringBuilder pts = new StringBuilder();
      for (double[] point : r.distribution()) {
        double p = Math.min(point[0], 99.99);
        double x = L + plotW * xOf(p) / 4.0;
        double v = Math.log10(Math.max(1, point[1]));
        double y = T + plotH - plotH * Math.max(0, v - lo) / (hi - lo);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"")
          .append(color(series(r), i))
          .append("\" points=\"")
          .append(pts.toString().trim())
          .append("\"/>");
    }
    legend(s, names);
    return s.append("</svg>").toString();
  }

  private static double xOf(double percentile) {
    return Math.log10(1 / (1 - percentile / 100.0));
  }

  private static String throughputChart(String title, List<Result> cells) {
    List<String> categories = cells.stream().map(r -> "c" + r.concurrency()).distinct().toList();
    List<String> names = cells.stream().map(Report::series).distinct().toList();
    double[][] v = new double[names.size()][categories.size()];
    for (Result r : cells) {
      v[names.indexOf(series(r))][categories.indexOf("c" + r.concurrency())] = r.opsPerSec();
    }
    return bars(title, "ops/s", categories, names, v);
  }

  private static String bytesChart(String title, List<Result> cells) {
    List<String> categories =
        cells.stream().map(r -> r.workload() + (r.gzip() ? " gzip" : "")).distinct().toList();
    List<String> names = cells.stream().map(r -> r.protocol()).distinct().toList();
    double[][] v = new double[names.size()][categories.size()];
    for (Result r : cells) {
      v[names.indexOf(r.protocol())][categories.indexOf(r.workload() + (r.gzip() ? " gzip" : ""))] =
          r.requestBytes() + r.responseBytes();
    }
    return bars(title, "bytes", categories, names, v);
  }

  private static String itemsChart(String title, List<Result> cells) {
    List<String> categories = cells.stream().map(Result::workload).distinct().toList();
    List<String> names = cells.stream().map(r -> r.protocol() + " " + r.mode()).distinct().toList();
    double[][] v = new double[names.size()][categories.size()];
    for (Result r : cells) {
      v[names.indexOf(r.protocol() + " " + r.mode())][categories.indexOf(r.workload())] =
          r.itemsPerSec();
    }
    return bars(title, "users/s", categories, names, v);
  }

  private static String bars(
      String title, String unit, List<String> categories, List<String> names, double[][] v) {
    StringBuilder s = svgStart(title);
    double max = niceMax(Arrays.stream(v).flatMapToDouble(Arrays::stream).max().orElse(1));
    yAxis(s, max, unit);
    int plotW = W - L - R;
    int plotH = H - T - B;
    double groupW = plotW / (double) Math.max(1, categories.size());
    double barW = groupW * 0.8 / Math.max(1, names.size());
    for (int c = 0; c < categories.size(); c++) {
      double gx = L + groupW * c + groupW * 0.1;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
              L + groupW * (c + 0.5),
              H - B + 14,
              esc(categories.get(c))));
      for (int n = 0; n < names.size(); n++) {
        double h = plotH * v[n][c] / max;
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>",
                gx + barW * n,
                T + plotH - h,
                Math.max(1, barW - 1),
                h,
                color(names.get(n), n),
                esc(names.get(n)),
                esc(categories.get(c)),
                esc(fmt(v[n][c]))));
      }
    }
    legend(s, names);
    return s.append("</svg>").toString();
  }

  @Override
  public String toString() {
    return Objects.toString(meta);
  }
}
