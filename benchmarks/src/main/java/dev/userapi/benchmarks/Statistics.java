package dev.userapi.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The statistics of a benchmark: the median of every cell over the runs, and ratios taken within
 * each run (ours/bare and ours/raw per protocol, gRPC/REST for ours), then their median, so that a
 * machine that is busier in one run than in another moves both sides of a ratio together.
 */
final class Statistics {
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

  Statistics(List<Result> results) {
    Map<String, List<Result>> byKey = new LinkedHashMap<>();
    for (Result r : results) {
      byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    }
    this.medians = byKey.values().stream().map(Statistics::median).collect(Collectors.toList());
    this.ratios = ratios(results);
  }

  /** One result per cell: the medians over the runs. */
  List<Result> medians() {
    return medians;
  }

  List<Ratio> ratios() {
    return ratios;
  }

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
        median(group, Result::serverJvmCpuUs),
        median(group, Result::processCpuUs),
        median(group, Result::heapAfterGcMiB),
        median(group, Result::rssMiB),
        first.perItem(),
        typical.distribution());
  }

  /** gRPC mode paired with the REST mode that does the same job. */
  private static final Map<String, List<String>> EQUIVALENT =
      Map.of(
          "unary", List.of("unary", "protobuf"),
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
}
