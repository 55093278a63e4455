package dev.userapi.rest;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;
import dev.userapi.testkit.UserServiceContract;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The service contract through {@link RestUserClient} with protobuf bodies ({@code
 * application/x-protobuf}, errors as {@code google.rpc.Status}) → Jersey on Grizzly on loopback →
 * {@link UserResource} → in-memory service.
 */
class RestUserClientProtobufContractTest extends UserServiceContract {
  private TestServer server;

  @Override
  protected UserService newService() {
    try {
      server = TestServer.start(UserApiFeature.of(DefaultUserService.inMemory()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return RestUserClient.builder().baseUri(server.baseUri()).protobuf(true).build();
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
