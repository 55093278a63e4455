package dev.userapi.examples.gateway;

import static java.util.Objects.requireNonNull;

import dev.userapi.examples.DemoServer;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.load.Scenario;
import dev.userapi.rest.RestUserClient;
import dev.userapi.rest.UserApiFeature;
import dev.userapi.server.UserServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The hybrid architecture: a REST edge whose {@link dev.userapi.core.UserService} is a {@link
 * GrpcUserClient} to a gRPC backend. Browsers and curl speak REST to the gateway, the gateway
 * speaks gRPC to the service; errors, streams and watches cross both hops unchanged, because both
 * adapters map the same {@code ErrorCode}s.
 *
 * <pre>{@code
 * GrpcUserClient backend = GrpcUserClient.connect("users-backend:9090");
 * ResourceConfig app = new ResourceConfig().register(UserApiFeature.of(backend));
 * }</pre>
 *
 * <p>Run against a backend ({@code java -jar userapi-server.jar} serves gRPC on 9090), serving REST
 * on port 8081 until Ctrl-C:
 *
 * <pre>
 * java -cp examples/target/userapi-server.jar dev.userapi.examples.gateway.GatewayDemo localhost:9090 8081
 * </pre>
 *
 * <p>Without arguments it starts a {@link UserServer} as the backend, puts a gateway in front of
 * it, runs the {@link Scenario} through {@link RestUserClient} → gateway → gRPC → backend, and
 * exits.
 *
 * @since 0.1.0
 */
public final class GatewayDemo implements AutoCloseable {
  private final GrpcUserClient backend;
  private final HttpServer http;
  private final URI restUri;

  private GatewayDemo(GrpcUserClient backend, HttpServer http, URI restUri) {
    this.backend = backend;
    this.http = http;
    this.restUri = restUri;
  }

  /**
   * Serves REST on {@code 127.0.0.1:restPort} (0 picks a free port) in front of the gRPC server at
   * {@code grpcTarget}.
   *
   * @param grpcTarget the backend, {@code host:port}
   * @param restPort the gateway's port
   * @return the running gateway
   */
  public static GatewayDemo start(String grpcTarget, int restPort) {
    requireNonNull(grpcTarget, "grpcTarget");
    GrpcUserClient backend = GrpcUserClient.connect(grpcTarget);
    ResourceConfig app = new ResourceConfig().register(UserApiFeature.of(backend));
    // Grizzly's default worker pool: every call waits on the backend, so none runs on a selector.
    HttpServer http =
        GrizzlyHttpServerFactory.createHttpServer(
            URI.create("http://127.0.0.1:" + restPort + "/"), app, false);
    try {
      http.start();
    } catch (IOException e) {
      backend.close();
      throw new UncheckedIOException("cannot start the gateway on port " + restPort, e);
    }
    int port = http.getListener("grizzly").getPort();
    return new GatewayDemo(backend, http, URI.create("http://127.0.0.1:" + port + "/"));
  }

  /**
   * The gateway's REST root; the API is under {@code api/}.
   *
   * @return the REST root
   */
  public URI restUri() {
    return restUri;
  }

  /** Stops the HTTP server, then closes the channel to the backend. */
  @Override
  public void close() {
    http.shutdownNow();
    backend.close();
  }

  /**
   * With a backend target (and an optional port, default 8081), runs a gateway in front of it until
   * stopped; without arguments, runs the self-contained demo.
   *
   * @param args {@code [grpcTarget [restPort]]}
   * @throws InterruptedException when interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0) {
      int port = args.length > 1 ? Integer.parseInt(args[1]) : 8081;
      GatewayDemo gateway = start(args[0], port);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    gateway.close();
                    stopped.countDown();
                  },
                  "gateway-shutdown"));
      System.out.println("REST gateway " + gateway.restUri() + "api/users -> gRPC " + args[0]);
      System.out.println("Try: curl -s '" + gateway.restUri() + "api/users?pageSize=5'");
      stopped.await();
      return;
    }
    run(System.out);
  }

  /**
   * The self-contained demo: backend, gateway, the scenario through both hops.
   *
   * @param out where the demo prints
   */
  public static void run(java.io.PrintStream out) {
    try (UserServer server = DemoServer.start();
        GatewayDemo gateway = start(server.grpcTarget(), 0);
        RestUserClient users = RestUserClient.connect(gateway.restUri())) {
      out.println(
          "REST client -> gateway "
              + gateway.restUri()
              + " -> gRPC backend "
              + server.grpcTarget());
      Scenario.run(users, out);
    }
  }
}
