package dev.userapi.benchmarks;

import dev.userapi.core.UserService;
import dev.userapi.rest.RestUserClient;
import dev.userapi.rest.UserApiFeature;
import java.net.URI;
import org.glassfish.jersey.server.ResourceConfig;

/** Where the benchmark meets the real REST module (user-api-rest). */
final class RestApi {
  private RestApi() {}

  /** Whether the real REST API is registered by {@link #register}. */
  static boolean available() {
    return true;
  }

  /** Registers the real REST API serving {@code users} under {@code /api}. */
  static void register(ResourceConfig app, UserService users) {
    app.register(new UserApiFeature(users));
  }

  /** A REST client of a running server (its root URI), to seed users. */
  static UserService client(URI root) {
    return RestUserClient.connect(root);
  }
}
