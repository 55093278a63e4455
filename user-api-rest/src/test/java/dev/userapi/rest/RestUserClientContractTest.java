package dev.userapi.rest;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.LimitedUserService;
import dev.userapi.core.UserService;
import dev.userapi.testkit.UserServiceContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;

/**
 * The service contract through {@link RestUserClient} → Jersey on Grizzly on loopback → {@link
 * UserResource} → in-memory service.
 */
class RestUserClientContractTest extends UserServiceContract {
  private TestServer server;
  private LimitedUserService served;

  @Override
  protected UserService newService() {
    // The limiter counts the server side's open watches (see openWatchesUpstream).
    served = LimitedUserService.builder(DefaultUserService.inMemory()).build();
    try {
      server = TestServer.start(UserApiFeature.of(served));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return RestUserClient.connect(server.baseUri());
  }

  @Override
  protected OptionalInt openWatchesUpstream() {
    return OptionalInt.of(served.openWatches());
  }

  @Override
  protected void closeService(UserService service) throws Exception {
    try {
      ((RestUserClient) service).close();
    } finally {
      server.close();
    }
  }
}
