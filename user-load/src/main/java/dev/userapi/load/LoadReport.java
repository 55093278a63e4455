package dev.userapi.load;

import java.util.List;

/**
 * The outcome of a {@link LoadRun}: the result of every cell that finished, in the order they ran.
 * Immutable and thread-safe.
 *
 * @param plan what was asked for
 * @param results one per finished cell; fewer than {@link LoadPlan#cells()} when cancelled
 * @param cancelled whether {@link LoadRun#cancel()} ended the run early
 * @param createdDomain the email domain of every user the run created (seeds and creates), for
 *     cleaning up after it
 * @since 0.1.0
 */
public record LoadReport(
    LoadPlan plan, List<CellResult> results, boolean cancelled, String createdDomain) {
  /**
   * Copies {@code results}, so the report stays as it was made.
   *
   * @param plan what was asked for
   * @param results one per finished cell
   * @param cancelled whether the run was cancelled
   * @param createdDomain the email domain of the users the run created
   */
  public LoadReport {
    results = List.copyOf(results);
  }
}
