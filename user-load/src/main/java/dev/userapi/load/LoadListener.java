package dev.userapi.load;

/**
 * Told how a {@link LoadRun} goes. Called on the run's own thread, one call at a time, so an
 * implementation needs no locking of its own but must return quickly and must not throw (what it
 * throws is ignored). Implementations shared with other threads must be thread-safe themselves.
 *
 * @since 0.1.0
 */
public interface LoadListener {
  /** A listener that ignores everything. */
  LoadListener NONE = new LoadListener() {};

  /**
   * About once a second while a cell runs, in its warm-up and its measurement.
   *
   * @param progress how the cell goes
   */
  default void progress(LoadProgress progress) {}

  /**
   * When a cell has finished (not for a cell cut short by {@link LoadRun#cancel()}).
   *
   * @param result what the cell measured
   */
  default void cellDone(CellResult result) {}
}
