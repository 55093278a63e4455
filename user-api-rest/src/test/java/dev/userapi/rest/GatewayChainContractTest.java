package dev.userapi.rest;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.LimitedUserService;
import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.grpc.UserGrpcService;
import dev.userapi.testkit.UserServiceContract;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The service contract through the hybrid of DESIGN.md: {@link RestUserClient} → Jersey/Grizzly →
 * {@link UserResource} → {@link GrpcUserClient} → in-process gRPC → {@link UserGrpcService} →
 * in-memory service. Errors, streams and watches must survive both hops unchanged.
 */
class GatewayChainContractTest extends UserServiceContract {
  private Server grpcServer;
  private ManagedChannel channel;
  private GrpcUserClient grpcClient;
  private TestServer restServer;
  private LimitedUserService served;

  @Override
  protected UserService newService() {
    String name = "gateway-" + UUID.randomUUID();
    // The limiter counts open watches at the far end, behind both hops (see openWatchesUpstream).
    served = LimitedUserService.builder(DefaultUserService.inMemory()).build();
    try {
      grpcServer =
          InProcessServerBuilder.forName(name)
              .addService(UserGrpcService.of(served))
              .build()
              .start();
      channel = InProcessChannelBuilder.forName(name).build();
      grpcClient =
          GrpcUserClient.builder().channel(channel).deadline(Duration.ofSeconds(10)).build();
      restServer = TestServer.start(UserApiFeature.of(grpcClient));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return RestUserClient.connect(restServer.baseUri());
  }

  @Override
  protected OptionalInt openWatchesUpstream() {
    return OptionalInt.of(served.openWatches());
  }

  @Override
  protected void closeService(UserService service) throws Exception {
    ((RestUserClient) service).close();
    restServer.close();
    grpcClient.close();
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    grpcServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
