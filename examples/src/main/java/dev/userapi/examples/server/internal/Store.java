package dev.userapi.examples.server.internal;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;

/**
 * The store behind the example server: the service over it, whether its calls may block (which
 * decides the threading of both protocols) and how to release it.
 *
 * <p>Not API: used by the example server only.
 */
public record Store(String description, UserService service, boolean blocks, AutoCloseable resources) {

  /** The in-memory store: never blocks, gone when the process ends. */
  public static Store inMemory() {
    return new Store("in-memory", DefaultUserService.inMemory(), false, () -> {});
  }
}
