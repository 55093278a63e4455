package dev.userapi.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws the answer of {@code benchmarks/why-grpc.sh}: the server CPU and the bytes received per
 * call of REST over HTTP/1.1 and HTTP/2 with JSON and protobuf bodies, and of native gRPC, medians
 * over the script's rounds. Usage: {@code java -cp userapi-benchmark.jar
 * dev.userapi.benchmarks.WhyGrpcChart <script output> <chart.svg> <subtitle>}.
 */
public final class WhyGrpcChart {
  private static final Pattern LINE =
      Pattern.compile(
          "^round \\d+\\s+(get|list50)\\s+(.+?)\\s+([\\d.]+) req/s.*server CPU\\s+([\\d.]+) µs/call"
              + "\\s+received\\s+([\\d.]+) B/call");

  private WhyGrpcChart() {}

  /**
   * Reads the script's output and writes the chart.
   *
   * @param args the output file, the SVG to write, and the subtitle (the conditions)
   * @throws IOException when a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    Map<String, Map<String, List<double[]>>> cells = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        cells
            .computeIfAbsent(name(m.group(2)), k -> new LinkedHashMap<>())
            .computeIfAbsent(m.group(1), k -> new ArrayList<>())
            .add(new double[] {Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))});
      }
    }
    DefaultCategoryDataset cpu = new DefaultCategoryDataset();
    DefaultCategoryDataset bytes = new DefaultCategoryDataset();
    cells.forEach(
        (name, byWorkload) ->
            byWorkload.forEach(
                (workload, values) -> {
                  cpu.addValue(median(values, 0), name, workload);
                  bytes.addValue(median(values, 1), name, workload);
                }));
    CategoryPlot top = Charts.barPlot(cpu, "server CPU µs/call", "#,##0.0");
    CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis());
    plot.add(top, 3);
    plot.add(Charts.barPlot(bytes, "bytes received/call", "#,##0"), 2);
    plot.setGap(12);
    plot.setFixedLegendItems(top.getLegendItems());
    JFreeChart chart =
        Charts.chart("Why is gRPC faster: HTTP/2 or protobuf? (h2load)", args[2], plot);
    Files.writeString(Path.of(args[1]), Charts.svg(chart).getSVGDocument(), StandardCharsets.UTF_8);
  }

  /** The script's cell name as the chart names transports. */
  private static String name(String cell) {
    return switch (cell) {
      case "REST HTTP/1.1 JSON" -> "REST: HTTP/1.1 + JSON";
      case "REST HTTP/1.1 protobuf" -> "REST: HTTP/1.1 + protobuf";
      case "REST HTTP/2 JSON" -> "REST: HTTP/2 + JSON";
      case "REST HTTP/2 protobuf" -> "REST: HTTP/2 + protobuf";
      case "gRPC-Web HTTP/1.1" -> "gRPC-Web: HTTP/1.1 + protobuf";
      case "Connect HTTP/1.1 JSON" -> "Connect: HTTP/1.1 + JSON";
      default -> "gRPC: HTTP/2 + protobuf";
    };
  }

  private static double median(List<double[]> values, int i) {
    double[] v = values.stream().mapToDouble(d -> d[i]).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
