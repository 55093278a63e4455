package dev.userapi.load.internal;

import org.HdrHistogram.Histogram;

/**
 * What one run of one workload cell measured, before it becomes a {@link Result}.
 *
 * @param ops completed operations in the measured window
 * @param items items moved by them (users read, created or looked up)
 * @param errors failed operations in the window
 * @param firstError the first failure, for the log, or null
 * @param nanos length of the measured window
 * @param latency operation latency in nanoseconds
 * @param sentBytes client-to-server bytes on the wire in the window
 * @param receivedBytes server-to-client bytes on the wire in the window
 * @param serverCpuNanos CPU of the server threads in the window, or -1 when the server is remote
 * @param serverJvmCpuNanos CPU of the whole server JVM in the window (pinned mode), or -1
 * @param processCpuNanos CPU of this whole process in the window
 * @param memory the server's memory sampled in the window, or {@link ServerMeter.MemorySample#NONE}
 */
public record Measurement(
    long ops,
    long items,
    long errors,
    String firstError,
    long nanos,
    Histogram latency,
    long sentBytes,
    long receivedBytes,
    long serverCpuNanos,
    long serverJvmCpuNanos,
    long processCpuNanos,
    ServerMeter.MemorySample memory) {
  public Measurement withMemory(ServerMeter.MemorySample sample) {
    return new Measurement(
        ops,
        items,
        errors,
        firstError,
        nanos,
        latency,
        sentBytes,
        receivedBytes,
        serverCpuNanos,
        serverJvmCpuNanos,
        processCpuNanos,
        sample);
  }
}
