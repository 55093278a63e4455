package dev.userapi.examples.embedding;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;
import dev.userapi.grpc.UserGrpcService;
import dev.userapi.rest.UserApiFeature;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * userapi as a library inside an application that owns its servers: the user API is one {@link
 * UserApiFeature} registered in the application's own Jersey {@link ResourceConfig} (next to its
 * other resources) and one {@link UserGrpcService} added to its own gRPC server (next to its other
 * services). Both serve the same {@link UserService}, so a user created over one protocol is there
 * on the other.
 *
 * <pre>
 * java -cp examples/target/userapi-server.jar dev.userapi.examples.embedding.EmbeddedApp [REST_PORT GRPC_PORT]
 * </pre>
 *
 * <p>Ports default to 0 (free ports, printed). Serves until Ctrl-C.
 *
 * @since 0.1.0
 */
public final class EmbeddedApp implements AutoCloseable {
  private final HttpServer http;
  private final Server grpc;

  private EmbeddedApp(HttpServer http, Server grpc) {
    this.http = http;
    this.grpc = grpc;
  }

  /**
   * Starts the application on {@code 127.0.0.1}; 0 picks a free port.
   *
   * @param restPort the REST port
   * @param grpcPort the gRPC port
   * @return the running application
   * @throws IOException when a port cannot be bound
   */
  public static EmbeddedApp start(int restPort, int grpcPort) throws IOException {
    UserService users = DefaultUserService.inMemory(); // or over PostgresUserRepository

    // REST: one Feature in the application's own Jersey application.
    ResourceConfig app = new ResourceConfig().register(new UserApiFeature(users));
    HttpServer http =
        GrizzlyHttpServerFactory.createHttpServer(
            URI.create("http://127.0.0.1:" + restPort + "/"), app);

    // gRPC: one service in the application's own server.
    Server grpc;
    try {
      grpc =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", grpcPort))
              .addService(UserGrpcService.of(users))
              .build()
              .start();
    } catch (IOException | RuntimeException e) {
      http.shutdownNow();
      throw e;
    }
    return new EmbeddedApp(http, grpc);
  }

  /**
   * Where the application's REST server listens; the user API is under {@code api/}.
   *
   * @return the REST root
   */
  public URI restUri() {
    return URI.create("http://127.0.0.1:" + http.getListener("grizzly").getPort() + "/");
  }

  /**
   * Where its gRPC server listens.
   *
   * @return {@code host:port}
   */
  public String grpcTarget() {
    return "127.0.0.1:" + grpc.getPort();
  }

  /** Stops both servers. */
  @Override
  public void close() {
    grpc.shutdown();
    http.shutdownNow();
    try {
      if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
        grpc.shutdownNow();
      }
    } catch (InterruptedException e) {
      grpc.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs the application until it is stopped.
   *
   * @param args optional REST port and gRPC port (default: free ports)
   * @throws IOException when a port cannot be bound
   * @throws InterruptedException when interrupted while running
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    int restPort = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    int grpcPort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    EmbeddedApp embedded = start(restPort, grpcPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  embedded.close();
                  stopped.countDown();
                },
                "embedded-shutdown"));
    System.out.println(
        "embedded app: REST " + embedded.restUri() + "api/users, gRPC " + embedded.grpcTarget());
    System.out.println("Ctrl-C stops it.");
    stopped.await();
  }
}
