package dev.userapi.rest;

import dev.userapi.core.CreateResult;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.util.List;
import java.util.concurrent.Flow;

/** Forwards everything; tests override the one method they want to change. */
class DelegatingUserService implements UserService {
  private final UserService delegate;

  DelegatingUserService(UserService delegate) {
    this.delegate = delegate;
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
