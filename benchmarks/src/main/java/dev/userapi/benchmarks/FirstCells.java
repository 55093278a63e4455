package dev.userapi.benchmarks;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which timed cells of one run warm up for {@code --first-warmup-ms} instead of {@code
 * --warmup-ms}: after a server start whose JVM is new (every run in the pinned mode, the first run
 * otherwise), the first cell of each protocol, and the first cell per protocol of each workload the
 * server warm-up did not load (the writes). A time-based warm-up moves few requests at one
 * connection, and the server warm-up loads the reads at concurrency 16 only. On its own this did
 * not keep the first read cells from measuring compilation (issue #17: with a 20 s server warm-up
 * ours' REST get at one connection still cost three times bare Jersey's CPU); the 60 s server
 * warm-up does that, and these cells cover what it does not load.
 *
 * <p>Not thread-safe: one per run, asked in the order the cells run.
 */
final class FirstCells {
  private final boolean coldStart;
  private final Set<String> warmedWorkloads;
  private final int run;
  private final List<String> log;
  private final Set<String> protocols = new HashSet<>();
  private final Set<String> shapes = new HashSet<>();

  /**
   * @param coldStart whether this run's server JVM is new (nothing compiled yet)
   * @param warmedWorkloads the workloads the server warm-up loaded before this run's first cell
   * @param run which repetition, for the log
   * @param log receives "run N: cell" for every cell that warms up longer
   */
  FirstCells(boolean coldStart, Set<String> warmedWorkloads, int run, List<String> log) {
    this.coldStart = coldStart;
    this.warmedWorkloads = Set.copyOf(warmedWorkloads);
    this.run = run;
    this.log = log;
  }

  /** Whether this run's server JVM is new, so that every shape a cell runs starts cold. */
  boolean coldStart() {
    return coldStart;
  }

  /**
   * Whether {@code cell}, about to run, is one of the cells that warm up longer; remembers it, so
   * that a later cell of the same protocol and workload is not.
   */
  boolean warmLonger(Result.Cell cell) {
    if (!coldStart) {
      return false;
    }
    boolean firstOfProtocol = protocols.add(cell.protocol());
    boolean firstOfWorkload = shapes.add(cell.protocol() + "|" + cell.workload());
    boolean longer =
        firstOfProtocol || (firstOfWorkload && !warmedWorkloads.contains(cell.workload()));
    if (longer) {
      log.add("run " + run + ": " + cell.label());
    }
    return longer;
  }
}
