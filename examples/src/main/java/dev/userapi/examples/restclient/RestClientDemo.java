package dev.userapi.examples.restclient;

import dev.userapi.examples.DemoServer;
import dev.userapi.load.Scenario;
import dev.userapi.rest.RestUserClient;
import dev.userapi.server.UserServer;
import java.net.URI;

/**
 * Runs the {@link Scenario} over REST with {@link RestUserClient}: the same calls as {@code
 * GrpcClientDemo}, the same results and the same error codes, over HTTP/JSON.
 *
 * <pre>
 * java -cp examples/target/userapi-server.jar dev.userapi.examples.restclient.RestClientDemo http://localhost:8080/
 * </pre>
 *
 * <p>Without an argument it starts a {@link UserServer} on free ports and talks to that.
 *
 * @since 0.1.0
 */
public final class RestClientDemo {
  private RestClientDemo() {}

  /**
   * Runs the scenario against a server: the one named, or one started for the demo.
   *
   * @param args {@code [baseUri]}
   */
  public static void main(String[] args) {
    if (args.length > 0) {
      run(URI.create(args[0]));
      return;
    }
    try (UserServer server = DemoServer.start()) {
      run(server.restUri());
    }
  }

  /**
   * Runs the scenario against the REST server at {@code baseUri} (the API is under {@code api/}).
   *
   * @param baseUri the server's root
   */
  public static void run(URI baseUri) {
    System.out.println("REST client demo against " + baseUri);
    try (RestUserClient users = RestUserClient.connect(baseUri)) {
      Scenario.run(users, System.out);
    }
  }
}
