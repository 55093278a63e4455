package dev.userapi.load.internal;

/**
 * What the load generator can read of the servers it measures: their CPU time, and on request a
 * memory sample. Implementations say which threads or process they count.
 */
public interface ServerMeter {
  /** A meter of a server it cannot see (a remote one): no CPU, no memory. */
  ServerMeter NONE =
      new ServerMeter() {
        @Override
        public long cpuNanos() {
          return -1;
        }

        @Override
        public MemorySample memory() {
          return MemorySample.NONE;
        }
      };

  /** CPU nanoseconds used so far by the servers' request threads, or -1 when unknown. */
  long cpuNanos();

  /**
   * CPU nanoseconds used so far by the whole server JVM (request threads, GC, JIT), or -1 when the
   * servers share the JVM with the load generator or are remote.
   */
  default long jvmCpuNanos() {
    return -1;
  }

  /**
   * The server's memory now, after a full collection where the meter can ask for one; {@link
   * MemorySample#NONE} where it cannot.
   */
  MemorySample memory();

  /**
   * A memory sample in MiB; -1 where unknown.
   *
   * @param heapAfterGcMiB heap used right after a full collection (the live set, under load)
   * @param rssMiB resident set size of the server process
   */
  record MemorySample(double heapAfterGcMiB, double rssMiB) {
    public static final MemorySample NONE = new MemorySample(-1, -1);
  }
}
