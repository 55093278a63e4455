package dev.userapi.testkit;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.LimitedUserService;
import dev.userapi.core.UserService;

/** Limits must not change behaviour below the caps: the whole contract through the decorator. */
class LimitedUserServiceContractTest extends UserServiceContract {
  @Override
  protected UserService newService() {
    return LimitedUserService.builder(DefaultUserService.inMemory())
        .maxConcurrentStreams(4)
        .maxConcurrentWatches(4)
        .build();
  }
}
