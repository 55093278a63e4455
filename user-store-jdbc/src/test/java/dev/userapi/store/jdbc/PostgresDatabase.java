package dev.userapi.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PostgreSQL database per test class, emptied before each test. The server is one embedded
 * PostgreSQL per test run, or, when {@value #URL_ENV} is set, an external server (with {@value
 * #USER_ENV} and {@value #PASSWORD_ENV}); its user needs CREATEDB.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresDatabase db = new PostgresDatabase();
 * }</pre>
 */
final class PostgresDatabase implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  static final String URL_ENV = "USERAPI_TEST_JDBC_URL";
  static final String USER_ENV = "USERAPI_TEST_JDBC_USER";
  static final String PASSWORD_ENV = "USERAPI_TEST_JDBC_PASSWORD";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresDatabase.class);

  private final List<HikariDataSource> dataSources = new CopyOnWriteArrayList<>();
  private Server server;
  private String databaseName;
  private HikariDataSource dataSource;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(Server.class, key -> Server.start(), Server.class);
    databaseName = "userapi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    server.execute("CREATE DATABASE " + databaseName);
    dataSource = newDataSource();
    PostgresUserRepository.builder().dataSource(dataSource).migrate(true).build().close();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE users, user_events, user_requests");
      statement.execute("UPDATE user_event_counter SET last_sequence = 0");
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    for (HikariDataSource ds : dataSources) {
      ds.close();
    }
    dataSources.clear();
    try {
      server.execute("DROP DATABASE IF EXISTS " + databaseName + " WITH (FORCE)");
    } catch (SQLException e) {
      // Before PostgreSQL 13 there is no FORCE; a left-over test database is harmless.
      server.execute("DROP DATABASE IF EXISTS " + databaseName);
    }
  }

  /** The class's shared pool. */
  DataSource dataSource() {
    return dataSource;
  }

  /** A new pool on the class's database, as another replica would have; closed after the class. */
  HikariDataSource newDataSource() {
    return newDataSource(config -> {});
  }

  /** A new pool configured further by {@code customizer}; closed after the class. */
  HikariDataSource newDataSource(Consumer<HikariConfig> customizer) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl());
    config.setUsername(server.user);
    config.setPassword(server.password);
    config.setMaximumPoolSize(8);
    config.setPoolName("test-" + databaseName + "-" + dataSources.size());
    customizer.accept(config);
    HikariDataSource ds = new HikariDataSource(config);
    dataSources.add(ds);
    return ds;
  }

  /** The JDBC URL of the class's database. */
  String jdbcUrl() {
    return server.jdbcUrl(databaseName);
  }

  /** A connection outside every pool, for test set-up and inspection. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), server.user, server.password);
  }

  /** The database name, to find this class's backends in {@code pg_stat_activity}. */
  String databaseName() {
    return databaseName;
  }

  /** The PostgreSQL server of the test run; closed by JUnit at the end of the run. */
  private static final class Server implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final String baseUrl;
    private final String query;
    private final String user;
    private final String password;

    private Server(EmbeddedPostgres embedded, String url, String user, String password) {
      this.embedded = embedded;
      int q = url.indexOf('?');
      String withoutQuery = q < 0 ? url : url.substring(0, q);
      this.query = q < 0 ? "" : url.substring(q);
      this.baseUrl = withoutQuery.substring(0, withoutQuery.lastIndexOf('/') + 1);
      this.user = user;
      this.password = password;
    }

    static Server start() {
      String url = System.getenv(URL_ENV);
      if (url != null && !url.isBlank()) {
        return new Server(null, url, System.getenv(USER_ENV), System.getenv(PASSWORD_ENV));
      }
      try {
        EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
        return new Server(pg, pg.getJdbcUrl("postgres", "postgres"), "postgres", null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String jdbcUrl(String database) {
      return baseUrl + database + query;
    }

    void execute(String sql) throws SQLException {
      try (Connection connection = DriverManager.getConnection(adminUrl(), user, password);
          Statement statement = connection.createStatement()) {
        statement.execute(sql);
      }
    }

    private String adminUrl() {
      String url = System.getenv(URL_ENV);
      return embedded == null ? url : jdbcUrl("postgres");
    }

    @Override
    public void close() throws IOException {
      if (embedded != null) {
        embedded.close();
      }
    }

    @Override
    public String toString() {
      return "PostgreSQL at " + baseUrl.toLowerCase(Locale.ROOT);
    }
  }
}
