package dev.userapi.grpc;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;
import dev.userapi.testkit.UserServiceContract;

/**
 * The service contract through {@link GrpcUserClient} → Netty on loopback → {@link UserGrpcService}
 * → in-memory.
 */
class GrpcUserServiceContractTest extends UserServiceContract {
  private GrpcFixture fixture;

  @Override
  protected UserService newService() {
    fixture = GrpcFixture.netty(DefaultUserService.inMemory());
    return fixture.client;
  }

  @Override
  protected void closeService(UserService service) throws Exception {
    fixture.close();
  }
}
