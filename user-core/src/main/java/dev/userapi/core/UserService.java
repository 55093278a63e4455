package dev.userapi.core;

import java.util.List;
import java.util.concurrent.Flow;

/**
 * The one API of userapi. The core implementation ({@link DefaultUserService}), both clients
 * ({@code GrpcUserClient}, {@code RestUserClient}) and anything a third party writes implement it,
 * and both protocol adapters serve any implementation, so they compose: a REST front door for a
 * remote gRPC service is {@code UserApiFeature.of(GrpcUserClient.connect(target))}.
 *
 * <p>Every method reports failure as a {@link UserException}; its {@link ErrorCode} is the same
 * whichever implementation or protocol produced it.
 *
 * <h2>Streams: {@link Flow.Publisher}</h2>
 *
 * {@link #stream} and {@link #watch} return JDK {@link Flow.Publisher}s because they make
 * back-pressure and cancellation part of the type: a subscriber receives at most as many items as
 * it has {@linkplain Flow.Subscription#request requested}, so a slow consumer slows the producer
 * instead of filling memory, and {@link Flow.Subscription#cancel()} stops the work behind the
 * stream (a store read, a network call). The publishers are cold: every subscription starts its own
 * read. Subscribers must not block in {@code onNext}; {@link BlockingStream} turns a publisher into
 * a bounded, closeable iterator for callers who prefer to pull.
 *
 * <p>Implementations are thread-safe.
 *
 * @since 0.1.0
 */
public interface UserService {

  /** {@link #watch(long)} argument meaning "only changes made from now on". */
  long WATCH_FROM_NOW = -1L;

  /**
   * Creates a user.
   *
   * @param newUser the user; validated and normalised, every violation reported at once
   * @param requestId an optional client-chosen id (AIP-155; {@code Idempotency-Key} on REST) that
   *     makes the call idempotent: a retry with the same request id returns the user the first call
   *     created instead of creating a duplicate or failing with ALREADY_EXISTS; null for none
   * @return the stored user, with id, timestamps and etag
   * @throws UserException INVALID_ARGUMENT, ALREADY_EXISTS (email taken)
   */
  User create(NewUser newUser, String requestId);

  /**
   * Creates a user without a request id; see {@link #create(NewUser, String)}.
   *
   * @param newUser the user; validated and normalised, every violation reported at once
   * @return the stored user, with id, timestamps and etag
   * @throws UserException INVALID_ARGUMENT, ALREADY_EXISTS (email taken)
   */
  default User create(NewUser newUser) {
    return create(newUser, null);
  }

  /**
   * Returns a user.
   *
   * @param id the user's id, as returned in {@link User#id()}
   * @return the user; never null
   * @throws UserException NOT_FOUND, INVALID_ARGUMENT (malformed id)
   */
  User get(String id);

  /**
   * Changes the fields named in {@code update} and leaves the others alone. An update naming no
   * field changes nothing and returns the user as it is.
   *
   * @param id the id of the user to change
   * @param update the fields to set or clear; fields it does not name keep their value
   * @param expectedEtag if non-null, the update happens only if the user's current etag equals it
   * @return the user after the update, with a new etag if anything changed
   * @throws UserException NOT_FOUND, INVALID_ARGUMENT, ALREADY_EXISTS, PRECONDITION_FAILED
   */
  User update(String id, UserUpdate update, String expectedEtag);

  /**
   * Replaces every writable field of an existing user (an absent age clears it). Idempotent:
   * replacing with the same content twice leaves the same content.
   *
   * @param id the id of the user to replace
   * @param replacement the new content; validated like a create
   * @param expectedEtag if non-null, the replace happens only if the user's current etag equals it
   * @return the user after the replace; id and create time are kept
   * @throws UserException NOT_FOUND, INVALID_ARGUMENT, ALREADY_EXISTS, PRECONDITION_FAILED
   */
  User replace(String id, NewUser replacement, String expectedEtag);

  /**
   * Deletes a user. Idempotent: deleting a user that does not exist succeeds when no etag is
   * expected. With an expected etag, the user must exist and match, else PRECONDITION_FAILED (as
   * HTTP {@code If-Match} does).
   *
   * @param id the id of the user to delete
   * @param expectedEtag if non-null, the delete happens only if the user exists with this etag
   * @throws UserException PRECONDITION_FAILED, INVALID_ARGUMENT (malformed id)
   */
  void delete(String id, String expectedEtag);

  /**
   * Returns one page of matching users in ascending id (creation) order. Paging is stable: while
   * others insert, following the tokens never repeats or skips a user that existed when paging
   * began.
   *
   * @param query the filter, page size and page token (from the previous page, or none)
   * @return the page; its next page token is empty on the last page
   * @throws UserException INVALID_ARGUMENT (negative page size, forged or foreign page token, page
   *     token used with another filter, min age above max age)
   */
  Page<User> list(UserQuery query);

  /**
   * Streams every matching user in ascending id order, lazily and with back-pressure. Invalid
   * filters are reported through {@link Flow.Subscriber#onError}.
   *
   * @param filter which users to stream; {@link UserFilter#all()} for every user
   * @return a cold publisher; each subscription reads the users afresh
   */
  Flow.Publisher<User> stream(UserFilter filter);

  /**
   * Creates many users. Each item succeeds or fails on its own: one bad item does not abort the
   * rest. Results come back in request order.
   *
   * @param newUsers the users to create
   * @return one result per item, in request order, each holding the created user or the failure
   * @throws UserException RESOURCE_EXHAUSTED when the list is longer than the service's limit
   */
  List<CreateResult> createAll(List<NewUser> newUsers);

  /**
   * Streams change events with a sequence greater than {@code afterSequence}: first the retained
   * history, then live changes, until cancelled. Pass {@link #WATCH_FROM_NOW} for live changes
   * only, or the last sequence seen to resume. A subscriber that falls too far behind is ended with
   * RESOURCE_EXHAUSTED and may resume from its last sequence; asking for history older than the
   * store retains ends with INVALID_ARGUMENT.
   *
   * @param afterSequence the last sequence already seen, or {@link #WATCH_FROM_NOW}
   * @return a publisher of events in sequence order that ends only by cancellation or error
   */
  Flow.Publisher<UserEvent> watch(long afterSequence);

  /**
   * Whether the service can take requests.
   *
   * @return {@link HealthStatus#SERVING} when requests can be served, else {@link
   *     HealthStatus#NOT_SERVING}
   */
  HealthStatus health();
}
