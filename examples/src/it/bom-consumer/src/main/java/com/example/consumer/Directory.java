package com.example.consumer;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.grpc.UserGrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;

/** A consumer's own wiring: its service served over gRPC in-process, called through the client. */
public final class Directory implements AutoCloseable {
  private final Server server;
  private final ManagedChannel channel;
  private final GrpcUserClient client;

  public Directory() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(UserGrpcService.of(DefaultUserService.inMemory()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    client = GrpcUserClient.builder().channel(channel).build();
  }

  public UserService users() {
    return client;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }
}
