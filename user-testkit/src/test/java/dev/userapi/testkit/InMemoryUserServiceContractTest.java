package dev.userapi.testkit;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;

/**
 * The service contract on the embedded default: {@code DefaultUserService} over the in-memory
 * store.
 */
class InMemoryUserServiceContractTest extends UserServiceContract {
  @Override
  protected UserService newService() {
    return DefaultUserService.inMemory();
  }
}
