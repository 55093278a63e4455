package dev.userapi.examples;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.UserService;
import dev.userapi.server.UserServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server the demos talk to when given no target: a {@link UserServer} over an in-memory store,
 * both protocols on free loopback ports.
 *
 * @since 0.1.0
 */
public final class DemoServer {
  private DemoServer() {}

  /**
   * Starts an empty server.
   *
   * @return the running server; close it when done
   */
  public static UserServer start() {
    return start(0);
  }

  /**
   * Starts a server holding {@code users} made-up users ({@code user1@example.com} ...).
   *
   * @param users how many users to create first
   * @return the running server; close it when done
   */
  public static UserServer start(int users) {
    UserService service = DefaultUserService.inMemory();
    List<NewUser> batch = new ArrayList<>();
    for (int i = 1; i <= users; i++) {
      batch.add(NewUser.of("User " + i, "user" + i + "@example.com", 20 + i % 60));
    }
    if (!batch.isEmpty()) {
      service.createAll(batch);
    }
    return UserServer.builder(service)
        .restPort(0)
        .grpcPort(0)
        .blockingStore(false)
        .gracePeriod(Duration.ofSeconds(1))
        .build()
        .start();
  }
}
