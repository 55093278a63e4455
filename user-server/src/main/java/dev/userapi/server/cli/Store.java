package dev.userapi.server.cli;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;
import dev.userapi.store.jdbc.PostgresUserRepository;

/**
 * The store behind the command-line server: the service over it, whether its calls may block (which
 * decides the threading of both protocols) and how to release it.
 *
 * <p>Not API: used by the command-line server only.
 */
record Store(String description, UserService service, boolean blocks, AutoCloseable resources) {

  /** The in-memory store: never blocks, gone when the process ends. */
  static Store inMemory() {
    return new Store("in-memory", DefaultUserService.inMemory(), false, () -> {});
  }

  /**
   * PostgreSQL through a HikariCP pool of {@code poolSize} connections; the schema is migrated on
   * start. Blocks, so both protocols run calls on worker pools of about the same size.
   */
  static Store postgres(String jdbcUrl, String user, String password, int poolSize) {
    requireNonNull(jdbcUrl, "jdbcUrl");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    // Plus three: the change feed holds one connection for LISTEN from the first watch until the
    // repository closes, and up to two more while watchers read (see PostgresUserRepository).
    config.setMaximumPoolSize(poolSize + 3);
    config.setPoolName("userapi-jdbc");
    HikariDataSource pool = new HikariDataSource(config);
    try {
      PostgresUserRepository repository = PostgresUserRepository.builder().dataSource(pool).build();
      AutoCloseable resources =
          () -> {
            try (pool) {
              repository.close();
            }
          };
      return new Store("PostgreSQL", DefaultUserService.of(repository), true, resources);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }
}
