package dev.userapi.load;

/**
 * What one cell (one workload over one protocol) measured. Immutable and thread-safe.
 *
 * @param protocol the cell's protocol
 * @param workload the cell's workload
 * @param ops calls completed successfully in the measured window
 * @param errors calls that failed in the measured window (a status other than the expected one, a
 *     gRPC status other than OK, a broken connection)
 * @param opsPerSecond {@code ops} per second of the measured window
 * @param latencyMicros latency percentiles of the successful calls, in microseconds
 * @param requestBytes client-to-server bytes on the wire per call (HTTP/1.1 heads and bodies, or
 *     HTTP/2 frames with HPACK headers), 0 when no call completed
 * @param responseBytes server-to-client bytes on the wire per call, counted the same way
 * @param firstError the first failure of the window, for a person to read, or null
 * @since 0.1.0
 */
public record CellResult(
    Protocol protocol,
    Workload workload,
    long ops,
    long errors,
    double opsPerSecond,
    Latency latencyMicros,
    long requestBytes,
    long responseBytes,
    String firstError) {

  /**
   * Latency percentiles in microseconds (HdrHistogram, 3 significant digits). Immutable.
   *
   * @param p50 the median
   * @param p90 the 90th percentile
   * @param p99 the 99th percentile
   * @param p999 the 99.9th percentile
   * @param max the slowest call
   * @since 0.1.0
   */
  public record Latency(long p50, long p90, long p99, long p999, long max) {}
}
