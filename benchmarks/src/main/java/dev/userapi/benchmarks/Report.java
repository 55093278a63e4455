package dev.userapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes what the benchmark measured: an aligned text table, {@code results.json} and a
 * self-contained {@code report.html} (inline SVG charts, no scripts, no network), from the {@link
 * Statistics} of the runs; the charts come from {@link Charts}.
 */
final class Report {
  private final List<Result> results;
  private final Map<String, Object> meta;
  private final List<Result> medians;
  private final List<Statistics.Ratio> ratios;
  private final Charts charts;

  Report(List<Result> results, Map<String, Object> meta) {
    this.results = List.copyOf(results);
    this.meta = meta;
    Statistics statistics = new Statistics(results);
    this.medians = statistics.medians();
    this.ratios = statistics.ratios();
    this.charts = new Charts(medians, meta);
  }

  List<Result> medians() {
    return medians;
  }

  List<Statistics.Ratio> ratios() {
    return ratios;
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
      "srv JVM µs",
      "heap MiB",
      "RSS MiB",
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
            r.serverJvmCpuUs() < 0 ? "-" : fmt2(r.serverJvmCpuUs()),
            memory(r.heapAfterGcMiB()),
            memory(r.rssMiB()),
            Long.toString(r.errors())
          });
    }
    appendAligned(sb, rows, 6);
    sb.append('\n');
    List<String[]> ratioRows = new ArrayList<>();
    ratioRows.add(
        new String[] {"ratio", "cells", "throughput", "p50", "srv CPU/item", "wire bytes"});
    for (Statistics.Ratio r : ratios) {
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
        .append(" run(s); ratios are taken within each run, then the median.\n")
        .append("Mode: ")
        .append(meta.get("server"))
        .append("; load average ")
        .append(meta.get("loadAverage"))
        .append(" at the start, ")
        .append(meta.get("loadAverageAtEnd"))
        .append(" at the end.\n");
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

  /** A memory figure, or "-" where none was sampled (without {@code --memory}). */
  static String memory(double mib) {
    return mib < 0 ? "-" : String.format(Locale.ROOT, "%.0f", mib);
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
    for (Map.Entry<String, String> svg : charts.svgFiles().entrySet()) {
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
    charts.inline().forEach(svg -> h.append(svg).append('\n'));
    h.append(
        "</div>\n<h2>Ratios (median of per-run ratios)</h2>\n<table><tr><th class=\"l\">ratio</th><th class=\"l\">cells</th><th>throughput</th><th>p50</th><th>server CPU/item</th><th>wire bytes</th></tr>\n");
    for (Statistics.Ratio r : ratios) {
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
          "server JVM CPU µs",
          "process CPU µs",
          "heap after GC MiB",
          "RSS MiB",
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
            r.serverJvmCpuUs() < 0 ? "-" : fmt2(r.serverJvmCpuUs()),
            fmt2(r.processCpuUs()),
            memory(r.heapAfterGcMiB()),
            memory(r.rssMiB()),
            Long.toString(r.errors())
          }) {
        h.append("<td>").append(c).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append(
        "</table>\n<p>Bytes are counted at the load client's sockets (HTTP/1.1 heads and bodies; HTTP/2 frames, HPACK and gRPC length prefixes), per operation, or per user for stream, lookup and bulk-create. Server CPU: the server's request threads (userapi-*, srv-raw-*), in either mode; server JVM CPU (pinned mode): the whole server JVM, GC and JIT included. Process CPU: the load generator's JVM (in-process mode: servers included). Heap after GC and RSS: with --memory, sampled after a full collection in the middle of the cell.</p>\n</body></html>\n");
    return h.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  @Override
  public String toString() {
    return Objects.toString(meta);
  }
}
