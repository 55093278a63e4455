package dev.userapi.grpc;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;
import dev.userapi.testkit.UserServiceContract;

/**
 * The service contract through {@link GrpcUserClient} → in-process transport → {@link
 * UserGrpcService} → in-memory.
 */
class InProcessGrpcUserServiceContractTest extends UserServiceContract {
  private GrpcFixture fixture;

  @Override
  protected UserService newService() {
    fixture = GrpcFixture.inProcess(DefaultUserService.inMemory());
    return fixture.client;
  }

  @Override
  protected void closeService(UserService service) throws Exception {
    fixture.close();
  }
}
