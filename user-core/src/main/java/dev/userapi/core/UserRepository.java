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
   * @param user the user, already validated and with id, timestamps and version 1 assigned
   * @param requestId if non-null and a user was already inserted with this request id, returns that
   *     user and inserts nothing
   * @return the stored user: {@code user}, or the earlier one for a repeated request id
   * @throws UserException ALREADY_EXISTS when another user has the same email
   */
  User insert(User user, String requestId);

  /**
   * Inserts users, each on its own (one failure does not undo the others), and reports per item.
   * Stores override this to batch; the default inserts one by one.
   *
   * @param users the users to insert, prepared as for {@link #insert}
   * @return one result per user, in order; a failed item carries its {@link UserException}
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

  /**
   * Returns the user with this id, if any.
   *
   * @param id a well-formed id
   * @return the user, or empty when none has this id
   */
  Optional<User> findById(String id);

  /**
   * Replaces the stored user with the same id if, and only if, its version is still {@code
   * expectedVersion} (compare-and-set), and records an UPDATED event.
   *
   * @param user the new state, its version already advanced by the caller
   * @param expectedVersion the version the stored user must still have
   * @return the stored user
   * @throws UserException NOT_FOUND when absent, PRECONDITION_FAILED when the version moved on,
   *     ALREADY_EXISTS when the new email belongs to another user
   */
  User update(User user, long expectedVersion);

  /**
   * Deletes a user and records a DELETED event.
   *
   * @param id a well-formed id
   * @param expectedVersion if present, delete only when the stored version equals it
   * @return the deleted user, or empty when there was none
   * @throws UserException PRECONDITION_FAILED when the version does not match
   */
  Optional<User> delete(String id, OptionalLong expectedVersion);

  /**
   * Returns up to {@code limit} users matching {@code filter} whose id is greater than {@code
   * afterId} (null: from the start), in ascending id order. This is keyset paging: stable under
   * concurrent inserts because ids are time-ordered and never reused.
   *
   * @param filter which users match
   * @param afterId the last id of the previous batch, or null for the first batch
   * @param limit the most users to return, at least 1
   * @return the matching users, fewer than {@code limit} only at the end
   */
  List<User> scan(UserFilter filter, String afterId, int limit);

  /**
   * The change feed: events with a sequence greater than {@code afterSequence} (negative: from the
   * next change on), then live ones, in sequence order, honouring demand. See {@link
   * UserService#watch(long)} for the error cases.
   *
   * @param afterSequence the last sequence seen, or negative for live changes only
   * @return a publisher of events that ends only by cancellation or error
   */
  Flow.Publisher<UserEvent> changes(long afterSequence);

  /**
   * The key that signs page tokens, shared by every process that uses this store, so that a page
   * token issued by one service over the store is accepted by every other (replicas on one
   * database, or one replica after a restart). {@link DefaultUserService} asks for it when it first
   * needs to sign or check a token, unless it was given a secret of its own.
   *
   * <p>A store that returns a secret returns the same bytes, at least 16 of them, on every call and
   * to every process for as long as its data lives, each time in a new array the caller owns. It
   * may fail as its other reads do (for example UNAVAILABLE); the caller then asks again later.
   *
   * @return the shared secret, or empty (the default): each service makes a random one of its own,
   *     and its page tokens are valid only in that service for as long as it lives
   * @throws UserException when the store cannot read the secret now
   * @since 0.1.0
   */
  default Optional<byte[]> pageTokenSecret() {
    return Optional.empty();
  }

  /**
   * Whether the store can take requests; the default says it always can.
   *
   * @return the store's health
   */
  default HealthStatus health() {
    return HealthStatus.SERVING;
  }

  /** Releases what the store holds (threads, connections); the default holds nothing. */
  @Override
  default void close() {}
}
