package dev.userapi.grpc;

import dev.userapi.core.UserService;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A server serving a {@link UserService} through {@link UserGrpcService}, a channel to it and a
 * {@link GrpcUserClient} over that channel; over real Netty on a loopback ephemeral port or over
 * the in-process transport. {@link #close()} releases all three.
 */
final class GrpcFixture implements AutoCloseable {
  final Server server;
  final ManagedChannel channel;
  final GrpcUserClient client;

  private GrpcFixture(Server server, ManagedChannel channel, Duration deadline) {
    this.server = server;
    this.channel = channel;
    this.client = GrpcUserClient.builder().channel(channel).deadline(deadline).build();
  }

  static GrpcFixture netty(UserService users) {
    return netty(UserGrpcService.of(users), Duration.ofSeconds(10));
  }

  static GrpcFixture netty(BindableService service, Duration deadline) {
    Server server =
        start(
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service)
                .build());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    return new GrpcFixture(server, channel, deadline);
  }

  static GrpcFixture inProcess(UserService users) {
    String name = "userapi-" + UUID.randomUUID();
    Server server =
        start(InProcessServerBuilder.forName(name).addService(UserGrpcService.of(users)).build());
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    return new GrpcFixture(server, channel, Duration.ofSeconds(10));
  }

  private static Server start(Server server) {
    try {
      return server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    channel.shutdownNow();
    server.shutdownNow();
    try {
      channel.awaitTermination(10, TimeUnit.SECONDS);
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
