package dev.userapi.grpc;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.LimitedUserService;
import dev.userapi.core.UserService;
import dev.userapi.testkit.UserServiceContract;
import java.util.OptionalInt;

/**
 * The service contract through {@link GrpcUserClient} → in-process transport → {@link
 * UserGrpcService} → in-memory.
 */
class InProcessGrpcUserServiceContractTest extends UserServiceContract {
  private GrpcFixture fixture;
  private LimitedUserService served;

  @Override
  protected UserService newService() {
    // The limiter counts the server side's open watches (see openWatchesUpstream).
    served = LimitedUserService.builder(DefaultUserService.inMemory()).build();
    fixture = GrpcFixture.inProcess(served);
    return fixture.client;
  }

  @Override
  protected OptionalInt openWatchesUpstream() {
    return OptionalInt.of(served.openWatches());
  }

  @Override
  protected void closeService(UserService service) throws Exception {
    fixture.close();
  }
}
