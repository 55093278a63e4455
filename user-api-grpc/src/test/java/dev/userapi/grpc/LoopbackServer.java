package dev.userapi.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A plain grpc-java Netty server on an ephemeral loopback port, built the way an embedder would:
 * one service with the public interceptors around it, plus any services left unintercepted (a
 * health service, say). No hosting logic of its own; {@link #close()} stops it at once and waits
 * for it to terminate.
 */
final class LoopbackServer implements AutoCloseable {
  private final Server server;

  private LoopbackServer(Server server) {
    this.server = server;
  }

  static Builder builder(BindableService service) {
    return new Builder(requireNonNull(service, "service"));
  }

  /** Serves {@code service} in plaintext with no interceptors. */
  static LoopbackServer start(BindableService service) {
    return builder(service).start();
  }

  int port() {
    return server.getPort();
  }

  /** {@code 127.0.0.1:<port>}, for {@link GrpcUserClient#connect}. */
  String target() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static final class Builder {
    private final BindableService service;
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private final List<BindableService> unintercepted = new ArrayList<>();
    private ServerCredentials credentials = InsecureServerCredentials.create();

    private Builder(BindableService service) {
      this.service = service;
    }

    Builder credentials(ServerCredentials credentials) {
      this.credentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /** Wraps the service in {@code interceptor}; the first one added sees a call first. */
    Builder intercept(ServerInterceptor interceptor) {
      interceptors.add(requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Serves {@code other} next to the service, without the interceptors. */
    Builder addService(BindableService other) {
      unintercepted.add(requireNonNull(other, "other"));
      return this;
    }

    LoopbackServer start() {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
              .addService(ServerInterceptors.interceptForward(service, interceptors));
      unintercepted.forEach(builder::addService);
      try {
        return new LoopbackServer(builder.build().start());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the test server", e);
      }
    }
  }
}
