package dev.userapi.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's charts, drawn by JFreeChart onto JFreeSVG's {@code Graphics2D}: throughput with the
 * server CPU per operation under it, latency by percentile, bytes on the wire, and streaming rates.
 * Every series keeps its colour in every chart (gRPC blue, REST red, baselines lighter).
 */
final class Charts {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  private static final Map<String, Color> SERIES_COLORS =
      Map.ofEntries(
          Map.entry("grpc ours", new Color(0x1f77b4)),
          Map.entry("grpc bare", new Color(0xaec7e8)),
          Map.entry("rest ours", new Color(0xd62728)),
          Map.entry("rest bare", new Color(0xff9896)),
          Map.entry("rest raw", new Color(0xffbb78)),
          Map.entry("grpc", new Color(0x1f77b4)),
          Map.entry("rest", new Color(0xd62728)),
          Map.entry("gRPC: HTTP/2 + protobuf", new Color(0x1f77b4)),
          Map.entry("REST: HTTP/1.1 + JSON", new Color(0xd62728)),
          Map.entry("REST: HTTP/1.1 + protobuf", new Color(0xff7f0e)),
          Map.entry("REST: HTTP/2 + JSON", new Color(0x9467bd)),
          Map.entry("REST: HTTP/2 + protobuf", new Color(0xc5b0d5)),
          Map.entry("gRPC-Web: HTTP/1.1 + protobuf", new Color(0x17becf)),
          Map.entry("Connect: HTTP/1.1 + JSON", new Color(0x2ca02c)));
  private static final Color[] OTHERS = {
    new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2),
    new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf), new Color(0x98df8a)
  };

  private final List<Result> medians;
  private final Map<String, Object> meta;

  Charts(List<Result> medians, Map<String, Object> meta) {
    this.medians = medians;
    this.meta = meta;
  }

  /** Chart name to a standalone SVG document. */
  Map<String, String> svgFiles() {
    Map<String, String> files = new LinkedHashMap<>();
    charts().forEach((name, chart) -> files.put(name, svg(chart).getSVGDocument()));
    return files;
  }

  /** The charts as {@code <svg>} elements, to inline in HTML. */
  List<String> inline() {
    List<String> elements = new ArrayList<>();
    charts().forEach((name, chart) -> elements.add(svg(chart).getSVGElement("chart-" + name)));
    return elements;
  }

  static SVGGraphics2D svg(JFreeChart chart) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
    return g;
  }

  private Map<String, JFreeChart> charts() {
    Map<String, JFreeChart> charts = new LinkedHashMap<>();
    int mid = ((Number) meta.getOrDefault("gzipConcurrency", 16)).intValue();
    String conditions = conditions();
    for (String w : List.of("get", "list50", "create", "update")) {
      List<Result> cells =
          find(r -> r.workload().equals(w) && !r.gzip() && r.mode().equals("unary"));
      if (!cells.isEmpty()) {
        charts.put("throughput-" + w, throughput(w, cells, conditions));
      }
    }
    for (String w : List.of("get", "list50")) {
      List<Result> cells = find(r -> r.workload().equals(w) && r.concurrency() == mid && !r.gzip());
      if (!cells.isEmpty()) {
        charts.put("latency-" + w, latency(w, mid, cells, conditions));
      }
    }
    List<Result> bytes =
        find(
            r ->
                (r.workload().equals("get") || r.workload().equals("list50"))
                    && r.variant().equals("ours")
                    && r.concurrency() == mid);
    if (!bytes.isEmpty()) {
      charts.put("bytes", bytes(bytes, conditions));
    }
    int top = medians.stream().mapToInt(Result::concurrency).max().orElse(1);
    List<Result> causes =
        find(
            r ->
                r.variant().equals("ours")
                    && !r.gzip()
                    && r.concurrency() == top
                    && List.of("get", "list50", "create").contains(r.workload())
                    && transport(r) != null);
    if (causes.stream().anyMatch(r -> r.mode().equals("protobuf"))) {
      charts.put("why-grpc", whyGrpc(causes, top, conditions));
    }
    List<Result> streams = find(r -> r.perItem() && r.variant().equals("ours"));
    if (!streams.isEmpty()) {
      charts.put("streaming", streaming(streams, conditions));
    }
    return charts;
  }

  private String conditions() {
    Object mode = meta.getOrDefault("mode", "in-process");
    String where =
        switch (String.valueOf(mode)) {
          case "pinned" -> "server JVM pinned to its own CPU(s), load generator to others";
          case "remote" -> "a remote server";
          default -> "in-process: servers and load generator share the JVM and all CPUs";
        };
    Object from = meta.get("loadAverage");
    Object to = meta.get("loadAverageAtEnd");
    String load = from == null ? "" : "; load average " + from + (to == null ? "" : "–" + to);
    return where + "; medians of " + meta.get("runs") + " run(s)" + load;
  }

  private List<Result> find(Predicate<Result> p) {
    return medians.stream().filter(p).toList();
  }

  /** "grpc ours", "rest bare"...; a mode other than unary is named too ("rest ours protobuf"). */
  private static String series(Result r) {
    String name = r.protocol() + " " + r.variant();
    return r.mode().equals("unary") ? name : name + " " + r.mode();
  }

  /** Operations per second by concurrency, with the server's CPU per operation beneath. */
  private static JFreeChart throughput(String workload, List<Result> cells, String conditions) {
    DefaultCategoryDataset ops = new DefaultCategoryDataset();
    DefaultCategoryDataset cpu = new DefaultCategoryDataset();
    for (Result r : cells) {
      ops.addValue(r.opsPerSec(), series(r), "c" + r.concurrency());
      if (r.serverCpuUs() >= 0) {
        cpu.addValue(r.serverCpuUs(), series(r), "c" + r.concurrency());
      }
    }
    CategoryPlot top = barPlot(ops, "ops/s", "#,##0");
    CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("in flight"));
    plot.add(top, 3);
    if (cpu.getRowCount() > 0) {
      plot.add(barPlot(cpu, "CPU µs/op", "#,##0.0"), 2);
    }
    plot.setGap(12);
    plot.setFixedLegendItems(top.getLegendItems()); // one legend entry per series, not per subplot
    return chart(workload + ": throughput and server CPU per operation", conditions, plot);
  }

  static CategoryPlot barPlot(DefaultCategoryDataset data, String unit, String format) {
    NumberAxis values = new NumberAxis(unit);
    values.setNumberFormatOverride(new DecimalFormat(format));
    BarRenderer bars = new BarRenderer();
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setItemMargin(0.05);
    bars.setDefaultItemLabelGenerator(
        new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat(compact(format))));
    bars.setDefaultItemLabelsVisible(true);
    bars.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
    CategoryPlot plot = new CategoryPlot(data, null, values, bars);
    for (int i = 0; i < data.getRowCount(); i++) {
      bars.setSeriesPaint(i, color(String.valueOf(data.getRowKey(i)), i));
    }
    values.setUpperMargin(0.2);
    values.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    return plot;
  }

  private static String compact(String format) {
    return format.equals("#,##0") ? "#,##0" : "0.#";
  }

  /** The transport and encoding of a request-response cell, or null for other modes. */
  private static String transport(Result r) {
    if (r.protocol().equals("grpc")) {
      return r.mode().equals("unary") ? "gRPC: HTTP/2 + protobuf" : null;
    }
    return switch (r.mode()) {
      case "unary" -> "REST: HTTP/1.1 + JSON";
      case "protobuf" -> "REST: HTTP/1.1 + protobuf";
      default -> null;
    };
  }

  /**
   * Is gRPC faster because of HTTP/2 or because of protobuf? The same calls over each transport and
   * encoding: throughput, and the server CPU per call under it.
   */
  private static JFreeChart whyGrpc(List<Result> cells, int concurrency, String conditions) {
    DefaultCategoryDataset ops = new DefaultCategoryDataset();
    DefaultCategoryDataset cpu = new DefaultCategoryDataset();
    for (String name : TRANSPORTS) {
      for (Result r : cells) {
        if (name.equals(transport(r))) {
          ops.addValue(r.opsPerSec(), name, r.workload());
          if (r.serverCpuUs() >= 0) {
            cpu.addValue(r.serverCpuUs(), name, r.workload());
          }
        }
      }
    }
    CategoryPlot topPlot = barPlot(ops, "ops/s", "#,##0");
    CombinedDomainCategoryPlot plot =
        new CombinedDomainCategoryPlot(new CategoryAxis(concurrency + " in flight"));
    plot.add(topPlot, 3);
    if (cpu.getRowCount() > 0) {
      plot.add(barPlot(cpu, "CPU µs/call", "#,##0.0"), 2);
    }
    plot.setGap(12);
    plot.setFixedLegendItems(topPlot.getLegendItems());
    return chart("Why is gRPC faster: HTTP/2 or protobuf?", conditions, plot);
  }

  /** The transports of {@link #whyGrpc}, in legend order, with fixed colours. */
  private static final List<String> TRANSPORTS =
      List.of("gRPC: HTTP/2 + protobuf", "REST: HTTP/1.1 + JSON", "REST: HTTP/1.1 + protobuf");

  /** Latency by percentile: both axes logarithmic, so p99.99 and the median share one chart. */
  private static JFreeChart latency(
      String workload, int concurrency, List<Result> cells, String conditions) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Result r : cells) {
      XYSeries s = new XYSeries(series(r), false, true);
      for (double[] point : r.distribution()) {
        double p = Math.min(point[0], 99.99);
        s.add(nines(p), Math.max(1, point[1]));
      }
      data.addSeries(s);
    }
    NumberAxis x = new NumberAxis("percentile");
    x.setRange(0, 4.25); // room for the p99.99 label
    x.setTickUnit(new NumberTickUnit(1, new PercentileFormat()));
    LogAxis y = new LogAxis("µs (log)");
    y.setNumberFormatOverride(new DecimalFormat("#,##0"));
    y.setSmallestValue(1);
    y.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      lines.setSeriesPaint(i, color(String.valueOf(data.getSeriesKey(i)), i));
      lines.setSeriesStroke(i, new BasicStroke(2f));
    }
    XYPlot plot = new XYPlot(data, x, y, lines);
    return chart(
        workload + ": latency by percentile at " + concurrency + " in flight", conditions, plot);
  }

  /** The number of nines of a percentile: p90 is 1, p99 is 2, p99.9 is 3, p0 is 0. */
  private static double nines(double percentile) {
    return Math.log10(1 / (1 - percentile / 100.0));
  }

  /** Labels the nines axis with the percentile it stands for. */
  private static final class PercentileFormat extends NumberFormat {
    @Override
    public StringBuffer format(double nines, StringBuffer out, FieldPosition pos) {
      double p = 100 * (1 - Math.pow(10, -nines));
      return out.append(
          nines < 0.5 ? "p0" : "p" + new DecimalFormat("0.##").format(Math.round(p * 100) / 100.0));
    }

    @Override
    public StringBuffer format(long nines, StringBuffer out, FieldPosition pos) {
      return format((double) nines, out, pos);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      throw new UnsupportedOperationException("labels only");
    }
  }

  private static JFreeChart bytes(List<Result> cells, String conditions) {
    return bars(
        "Bytes on the wire per request + response (ours)",
        conditions,
        "bytes",
        cells,
        r -> r.mode().equals("unary") ? r.protocol() : r.protocol() + " " + r.mode(),
        r -> r.workload() + (r.gzip() ? " gzip" : ""),
        r -> r.requestBytes() + r.responseBytes());
  }

  private static JFreeChart streaming(List<Result> cells, String conditions) {
    return bars(
        "Streaming and bulk: users per second (ours)",
        conditions,
        "users/s",
        cells,
        r -> r.protocol() + " " + r.mode(),
        Result::workload,
        Result::itemsPerSec);
  }

  private static JFreeChart bars(
      String title,
      String conditions,
      String unit,
      List<Result> cells,
      java.util.function.Function<Result, String> seriesOf,
      java.util.function.Function<Result, String> categoryOf,
      ToDoubleFunction<Result> value) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Result r : cells) {
      data.addValue(value.applyAsDouble(r), seriesOf.apply(r), categoryOf.apply(r));
    }
    CategoryPlot plot = barPlot(data, unit, "#,##0");
    plot.setDomainAxis(new CategoryAxis());
    return chart(title, conditions, plot);
  }

  static JFreeChart chart(String title, String conditions, org.jfree.chart.plot.Plot plot) {
    JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
    chart.getTitle().setFont(TITLE);
    TextTitle subtitle = new TextTitle(conditions, SUBTITLE);
    subtitle.setPosition(RectangleEdge.TOP);
    chart.addSubtitle(subtitle);
    chart.setBackgroundPaint(Color.WHITE);
    plot.setBackgroundPaint(new Color(0xfafafa));
    if (plot instanceof CombinedDomainCategoryPlot combined) {
      for (Object sub : combined.getSubplots()) {
        ((CategoryPlot) sub).setBackgroundPaint(new Color(0xfafafa));
        ((CategoryPlot) sub).setRangeGridlinePaint(new Color(0xdddddd));
      }
    } else if (plot instanceof CategoryPlot c) {
      c.setRangeGridlinePaint(new Color(0xdddddd));
    } else if (plot instanceof XYPlot xy) {
      xy.setRangeGridlinePaint(new Color(0xdddddd));
      xy.setDomainGridlinePaint(new Color(0xdddddd));
    }
    return chart;
  }

  private static final Color[] GRPC_SHADES = {
    new Color(0x1f77b4), new Color(0x6baed6), new Color(0x08519c)
  };
  private static final Color[] REST_SHADES = {
    new Color(0xd62728), new Color(0xfb6a4a), new Color(0x99000d), new Color(0xff9896)
  };

  /** A fixed colour for the usual series; other gRPC series blue shades, REST ones red. */
  private static Color color(String name, int index) {
    Color fixed = SERIES_COLORS.get(name);
    if (fixed != null) {
      return fixed;
    }
    Color[] shades =
        name.startsWith("grpc") ? GRPC_SHADES : name.startsWith("rest") ? REST_SHADES : OTHERS;
    return shades[Math.floorMod(index, shades.length)];
  }
}
