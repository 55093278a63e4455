package dev.userapi.load;

/**
 * How a running cell goes, reported about once a second. Immutable and thread-safe.
 *
 * @param protocol the cell's protocol
 * @param workload the cell's workload
 * @param phase warm-up or measurement
 * @param elapsedSeconds time since the phase began
 * @param ops calls completed successfully in the phase so far
 * @param opsPerSecond {@code ops / elapsedSeconds}
 * @since 0.1.0
 */
public record LoadProgress(
    Protocol protocol,
    Workload workload,
    Phase phase,
    double elapsedSeconds,
    long ops,
    double opsPerSecond) {

  /**
   * The part of a cell that is running.
   *
   * @since 0.1.0
   */
  public enum Phase {
    /** Unmeasured calls before the measurement. */
    WARMUP("warmup"),
    /** The measured calls. */
    MEASURE("measure");

    private final String wireName;

    Phase(String wireName) {
      this.wireName = wireName;
    }

    /**
     * The name in JSON.
     *
     * @return {@code warmup} or {@code measure}
     */
    public String wireName() {
      return wireName;
    }
  }
}
