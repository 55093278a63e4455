package dev.userapi.testkit;

import dev.userapi.core.InMemoryUserRepository;
import dev.userapi.core.UserRepository;

/** The repository contract on {@code InMemoryUserRepository}. */
class InMemoryUserRepositoryContractTest extends UserRepositoryContract {
  @Override
  protected UserRepository newRepository() {
    return new InMemoryUserRepository();
  }
}
