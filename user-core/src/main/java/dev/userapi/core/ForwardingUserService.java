package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.Flow;

/**
 * A {@link UserService} that passes every call to another one; a decorator extends it and overrides
 * only what it changes (limits, metrics, access checks, draining on shutdown), the way grpc-java's
 * {@code ForwardingServerCall} and Guava's {@code Forwarding*} types are used.
 *
 * <pre>{@code
 * final class AuditingUserService extends ForwardingUserService {
 *   AuditingUserService(UserService delegate) { super(delegate); }
 *
 *   @Override
 *   public void delete(String id, String expectedEtag) {
 *     audit.log("delete", id);
 *     super.delete(id, expectedEtag);
 *   }
 * }
 * }</pre>
 *
 * <p>As thread-safe as the delegate.
 *
 * @since 0.1.0
 */
public abstract class ForwardingUserService implements UserService {
  private final UserService delegate;

  /**
   * Forwards to {@code delegate}.
   *
   * @param delegate the service every call goes to
   */
  protected ForwardingUserService(UserService delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /**
   * The service calls are forwarded to.
   *
   * @return the delegate given to the constructor; never null
   */
  protected final UserService delegate() {
    return delegate;
  }

  @Override
  public User create(NewUser newUser, String requestId) {
    return delegate.create(newUser, requestId);
  }

  @Override
  public User get(String id) {
    return delegate.get(id);
  }

  @Override
  public User update(String id, UserUpdate update, String expectedEtag) {
    return delegate.update(id, update, expectedEtag);
  }

  @Override
  public User replace(String id, NewUser replacement, String expectedEtag) {
    return delegate.replace(id, replacement, expectedEtag);
  }

  @Override
  public void delete(String id, String expectedEtag) {
    delegate.delete(id, expectedEtag);
  }

  @Override
  public Page<User> list(UserQuery query) {
    return delegate.list(query);
  }

  @Override
  public Flow.Publisher<User> stream(UserFilter filter) {
    return delegate.stream(filter);
  }

  @Override
  public List<CreateResult> createAll(List<NewUser> newUsers) {
    return delegate.createAll(newUsers);
  }

  @Override
  public Flow.Publisher<UserEvent> watch(long afterSequence) {
    return delegate.watch(afterSequence);
  }

  @Override
  public HealthStatus health() {
    return delegate.health();
  }
}
