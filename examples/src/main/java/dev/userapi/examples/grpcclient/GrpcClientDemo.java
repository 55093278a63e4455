package dev.userapi.examples.grpcclient;

import dev.userapi.examples.DemoServer;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.load.Scenario;
import dev.userapi.server.UserServer;

/**
 * Runs the {@link Scenario} over gRPC with {@link GrpcUserClient}.
 *
 * <pre>
 * java -cp examples/target/userapi-server.jar dev.userapi.examples.grpcclient.GrpcClientDemo localhost:9090
 * </pre>
 *
 * <p>Without an argument it starts a {@link UserServer} on free ports and talks to that.
 *
 * @since 0.1.0
 */
public final class GrpcClientDemo {
  private GrpcClientDemo() {}

  /**
   * Runs the scenario against a server: the one named, or one started for the demo.
   *
   * @param args {@code [host:port]}
   */
  public static void main(String[] args) {
    if (args.length > 0) {
      run(args[0]);
      return;
    }
    try (UserServer server = DemoServer.start()) {
      run(server.grpcTarget());
    }
  }

  /**
   * Runs the scenario against the gRPC server at {@code target}.
   *
   * @param target {@code host:port}
   */
  public static void run(String target) {
    System.out.println("gRPC client demo against " + target);
    try (GrpcUserClient users = GrpcUserClient.connect(target)) {
      Scenario.run(users, System.out);
    }
  }
}
