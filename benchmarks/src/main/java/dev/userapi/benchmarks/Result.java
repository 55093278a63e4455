package dev.userapi.benchmarks;

import dev.userapi.load.internal.Measurement;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One measured cell of one run: a workload over one protocol, served by our adapter or by the bare
 * baseline, at one concurrency, with or without gzip. Times are microseconds; bytes and CPU are per
 * operation (per item for streaming workloads, see {@link #perItem()}).
 *
 * @param run which repetition (1-based)
 * @param workload get, list50, create, update, stream, bulk-create, lookup
 * @param protocol grpc or rest
 * @param variant ours or bare
 * @param mode how the protocol does the workload (unary, server-stream, ndjson, paged, ...)
 * @param payload small or large
 * @param concurrency operations in flight
 * @param gzip whether requests and responses were gzipped
 * @param ops measured operations
 * @param items items moved (equals ops for request-response workloads)
 * @param errors failed operations
 * @param seconds measured time
 * @param opsPerSec throughput in operations
 * @param itemsPerSec throughput in items
 * @param meanUs mean latency of an operation
 * @param p50Us median latency
 * @param p90Us 90th percentile
 * @param p99Us 99th percentile
 * @param p999Us 99.9th percentile
 * @param maxUs maximum
 * @param requestBytes client-to-server bytes on the wire per item
 * @param responseBytes server-to-client bytes on the wire per item
 * @param serverCpuUs server CPU per item, or -1 for a remote server
 * @param serverJvmCpuUs the whole server JVM's CPU per item (request threads, GC, JIT; pinned
 *     mode), or -1
 * @param processCpuUs CPU of the whole process (client and servers) per item
 * @param heapAfterGcMiB the server's heap right after a full collection in the middle of the window
 *     (with {@code --memory}), or -1
 * @param rssMiB the server process's resident set at that moment, or -1
 * @param perItem whether the per-item figures are per item of a stream rather than per operation
 * @param distribution latency percentile points [percentile, microseconds] for the charts
 */
record Result(
    int run,
    String workload,
    String protocol,
    String variant,
    String mode,
    String payload,
    int concurrency,
    boolean gzip,
    long ops,
    long items,
    long errors,
    double seconds,
    double opsPerSec,
    double itemsPerSec,
    double meanUs,
    double p50Us,
    double p90Us,
    double p99Us,
    double p999Us,
    double maxUs,
    double requestBytes,
    double responseBytes,
    double serverCpuUs,
    double serverJvmCpuUs,
    double processCpuUs,
    double heapAfterGcMiB,
    double rssMiB,
    boolean perItem,
    List<double[]> distribution) {

  /** The identity of a cell across runs. */
  String key() {
    return workload
        + "|"
        + protocol
        + "|"
        + variant
        + "|"
        + mode
        + "|"
        + payload
        + "|c"
        + concurrency
        + "|"
        + (gzip ? "gzip" : "identity");
  }

  static Result of(int run, Cell cell, Measurement m) {
    Histogram h = m.latency();
    double seconds = m.nanos() / 1e9;
    double per = cell.perItem() ? Math.max(1, m.items()) : Math.max(1, m.ops());
    List<double[]> points = new ArrayList<>();
    if (h.getTotalCount() > 0) {
      for (double p : new double[] {0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100}) {
        points.add(new double[] {p, h.getValueAtPercentile(p) / 1e3});
      }
    }
    return new Result(
        run,
        cell.workload(),
        cell.protocol(),
        cell.variant(),
        cell.mode(),
        cell.payload(),
        cell.concurrency(),
        cell.gzip(),
        m.ops(),
        m.items(),
        m.errors(),
        seconds,
        m.ops() / seconds,
        m.items() / seconds,
        h.getTotalCount() == 0 ? 0 : h.getMean() / 1e3,
        h.getValueAtPercentile(50) / 1e3,
        h.getValueAtPercentile(90) / 1e3,
        h.getValueAtPercentile(99) / 1e3,
        h.getValueAtPercentile(99.9) / 1e3,
        h.getMaxValue() / 1e3,
        m.sentBytes() / per,
        m.receivedBytes() / per,
        m.serverCpuNanos() < 0 ? -1 : m.serverCpuNanos() / 1e3 / per,
        m.serverJvmCpuNanos() < 0 ? -1 : m.serverJvmCpuNanos() / 1e3 / per,
        m.processCpuNanos() / 1e3 / per,
        m.memory().heapAfterGcMiB(),
        m.memory().rssMiB(),
        cell.perItem(),
        points);
  }

  /**
   * What a cell is.
   *
   * @param heapAfterGcMiB the server's heap right after a full collection in the middle of the
   *     window (with {@code --memory}), or -1
   * @param rssMiB the server process's resident set at that moment, or -1
   * @param perItem whether figures are per item rather than per operation
   */
  record Cell(
      String workload,
      String protocol,
      String variant,
      String mode,
      String payload,
      int concurrency,
      boolean gzip,
      boolean perItem) {

    String label() {
      return workload
          + " "
          + protocol
          + "/"
          + variant
          + " "
          + mode
          + " c"
          + concurrency
          + (gzip ? " gzip" : "");
    }
  }
}
