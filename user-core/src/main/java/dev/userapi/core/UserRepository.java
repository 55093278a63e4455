package dev.userapi.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Flow;

/**
 * What a store must do for {@link DefaultUserService}. The service validates, normalises, assigns
 * ids, timestamps and versions; a store keeps users durable and consistent: atomic insert with a
 * unique email, compare-and-set update by version, delete, point reads, keyset-paged scans, and a
 * change feed in commit order.
 *
 * <p>Emails are unique case-insensitively: a store compares {@code email.toLowerCase(Locale.ROOT)}.
 * Implementations are thread-safe. {@code UserRepositoryContract} in {@code user-testkit} is the
 * executable form of this contract.
 *
 * @since 0.1.0
 */
public interface UserRepository extends AutoCloseable {

  /**
   * Inserts a new user atomically and records a CREATED event.
   *
   * @param requestId if non-null and a user was already inserted with this request id, returns that
   *     user and inserts nothing
   * @throws UserException ALREADY_EXISTS when another user has the same email
   */
  User insert(User user, String requestId);

  /**
   * Inserts users, each on its own (one failure does not undo the others), and reports per item.
   * Stores override this to batch; the default inserts one by one.
   */
  default List<CreateResult> insertAll(List<User> users) {
    List<CreateResult> results = new ArrayList<>(users.size());
    for (int i = 0; i < users.size(); i++) {
      try {
        results.add(CreateResult.success(i, insert(users.get(i), null)));
      } catch (UserException e) {
        results.add(CreateResult.failure(i, e));
      }
    }
    return results;
  }

  /** Returns the user with this id, if any. */
  Optional<User> findById(String id);

  /**
   * Replaces the stored user with the same id if, and only if, its version is still {@code
   * expectedVersion} (compare-and-set), and records an UPDATED event.
   *
   * @throws UserException NOT_FOUND when absent, PRECONDITION_FAILED when the version moved on,
   *     ALREADY_EXISTS when the new email belongs to another user
   */
  User update(User user, long expectedVersion);

  /**
   * Deletes a user and records a DELETED event.
   *
   * @param expectedVersion if present, delete only when the stored version equals it
   * @return the deleted user, or empty when there was none
   * @throws UserException PRECONDITION_FAILED when the version does not match
   */
  Optional<User> delete(String id, OptionalLong expectedVersion);

  /**
   * Returns up to {@code limit} users matching {@code filter} whose id is greater than {@code
   * afterId} (null: from the start), in ascending id order. This is keyset paging: stable under
   * concurrent inserts because ids are time-ordered and never reused.
   */
  List<User> scan(UserFilter filter, String afterId, int limit);

  /**
   * The change feed: events with a sequence greater than {@code afterSequence} (negative: from the
   * next change on), then live ones, in sequence order, honouring demand. See {@link
   * UserService#watch(long)} for the error cases.
   */
  Flow.Publisher<UserEvent> changes(long afterSequence);

  /** Whether the store can take requests; the default says it always can. */
  default HealthStatus health() {
    return HealthStatus.SERVING;
  }

  /** Releases what the store holds (threads, connections); the default holds nothing. */
  @Override
  default void close() {}
}
