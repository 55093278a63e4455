package dev.userapi.examples.benchmark;

import dev.userapi.core.UserService;
import java.net.URI;
import org.glassfish.jersey.server.ResourceConfig;

/** Where the benchmark meets the real REST module (user-api-rest). */
final class RestApi {
  private RestApi() {}

  /** Whether the real REST API is registered by {@link #register}. */
  static boolean available() {
    return false;
  }

  /** Registers the real REST API serving {@code users} under {@code /api}. */
  static void register(ResourceConfig app, UserService users) {
    // user-api-rest is not on main yet; the REST cells run against the bare resource only.
  }

  /** A REST client of a running server, to seed users. */
  static UserService client(URI uri) {
    throw new UnsupportedOperationException("REST client not available yet: " + uri);
  }
}
