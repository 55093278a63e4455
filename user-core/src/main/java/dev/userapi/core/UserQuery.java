package dev.userapi.core;

import static java.util.Objects.requireNonNull;

/**
 * One page request of {@link UserService#list(UserQuery)} in the style of AIP-158.
 *
 * @param filter which users to return
 * @param pageSize how many at most; 0 means the service default (50); larger than the maximum
 *     (1000) is coerced to the maximum; negative is invalid
 * @param pageToken empty for the first page, otherwise a {@link Page#nextPageToken()} received with
 *     the same filter; tokens are opaque and tamper-evident
 * @since 0.1.0
 */
public record UserQuery(UserFilter filter, int pageSize, String pageToken) {
  /**
   * Checks that the filter and page token are non-null; the service validates the rest.
   *
   * @param filter which users to return
   * @param pageSize how many at most
   * @param pageToken empty, or a previous page's next page token
   */
  public UserQuery {
    requireNonNull(filter, "filter");
    requireNonNull(pageToken, "pageToken");
  }

  /**
   * The first page of all users with the given page size.
   *
   * @param pageSize how many at most; 0 for the default
   * @return the query
   */
  public static UserQuery firstPage(int pageSize) {
    return new UserQuery(UserFilter.all(), pageSize, "");
  }

  /**
   * The first page of matching users.
   *
   * @param filter which users to return
   * @param pageSize how many at most; 0 for the default
   * @return the query
   */
  public static UserQuery firstPage(UserFilter filter, int pageSize) {
    return new UserQuery(filter, pageSize, "");
  }

  /**
   * The same query for the page that {@code pageToken} points at.
   *
   * @param pageToken a next page token received with this query's filter
   * @return a new query; this one is unchanged
   */
  public UserQuery withPageToken(String pageToken) {
    return new UserQuery(filter, pageSize, pageToken);
  }
}
