package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One page of results.
 *
 * @param items the items, in ascending id (creation) order
 * @param nextPageToken the token of the next page, or empty when this is the last page
 * @param <T> the item type
 * @since 0.1.0
 */
public record Page<T>(List<T> items, String nextPageToken) {
  /**
   * Copies {@code items}.
   *
   * @param items the items; copied, must not contain null
   * @param nextPageToken the next page's token, or empty
   */
  public Page {
    items = List.copyOf(requireNonNull(items, "items"));
    requireNonNull(nextPageToken, "nextPageToken");
  }

  /**
   * Whether another page follows.
   *
   * @return true when {@link #nextPageToken()} is non-empty
   */
  public boolean hasNextPage() {
    return !nextPageToken.isEmpty();
  }
}
