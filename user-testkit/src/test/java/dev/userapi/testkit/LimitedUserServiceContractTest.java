package dev.userapi.testkit;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.LimitedUserService;
import dev.userapi.core.UserService;
import java.util.OptionalInt;

/** Limits must not change behaviour below the caps: the whole contract through the decorator. */
class LimitedUserServiceContractTest extends UserServiceContract {
  private LimitedUserService limited;

  @Override
  protected UserService newService() {
    limited =
        LimitedUserService.builder(DefaultUserService.inMemory())
            .maxConcurrentStreams(4)
            .maxConcurrentWatches(4)
            .build();
    return limited;
  }

  @Override
  protected OptionalInt openWatchesUpstream() {
    return OptionalInt.of(limited.openWatches());
  }
}
