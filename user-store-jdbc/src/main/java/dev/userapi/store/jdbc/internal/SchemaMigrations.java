package dev.userapi.store.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small versioned SQL runner: applies the classpath scripts {@code db/migration/V<n>__<name>.sql}
 * that the table {@code userapi_schema_version} does not list yet, in version order, all in one
 * transaction under a transaction-scoped advisory lock, so replicas starting together migrate once
 * and a failed migration leaves nothing behind (PostgreSQL DDL is transactional).
 *
 * <p>Not API: used by userapi modules only.
 */
public final class SchemaMigrations {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

  /** The advisory lock key: any constant the embedding application does not use itself. */
  private static final long LOCK_KEY = 0x75736572617069L; // "userapi"

  private static final String HISTORY_TABLE = "userapi_schema_version";

  /** Every migration, in order. Append only; never edit a released script. */
  private static final List<Migration> MIGRATIONS =
      List.of(new Migration(1, "users"), new Migration(2, "page_token_secret"));

  private SchemaMigrations() {}

  /** The newest schema version this code knows. */
  public static int latestVersion() {
    return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
  }

  /**
   * Brings the schema on {@code connection} up to date. The connection must be in autocommit mode;
   * it is left in autocommit mode.
   *
   * @return how many migrations were applied
   */
  public static int migrate(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try {
      int applied = migrateLocked(connection);
      connection.commit();
      return applied;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static int migrateLocked(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + HISTORY_TABLE
              + " ("
              + "version integer PRIMARY KEY, "
              + "description text NOT NULL, "
              + "checksum bigint NOT NULL, "
              + "installed_on timestamptz NOT NULL DEFAULT now())");
    }
    Map<Integer, Long> installed = installedChecksums(connection);
    int applied = 0;
    for (Migration migration : MIGRATIONS) {
      String script = migration.script();
      long checksum = checksum(script);
      Long existing = installed.get(migration.version());
      if (existing != null) {
        if (existing != checksum) {
          log.warn(
              "schema migration {} differs from the one applied to this database",
              migration.resource());
        }
        continue;
      }
      log.info("applying schema migration {}", migration.resource());
      try (Statement statement = connection.createStatement()) {
        statement.execute(script);
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + HISTORY_TABLE
                  + " (version, description, checksum) VALUES (?, ?, ?)")) {
        insert.setInt(1, migration.version());
        insert.setString(2, migration.description());
        insert.setLong(3, checksum);
        insert.executeUpdate();
      }
      applied++;
    }
    return applied;
  }

  private static Map<Integer, Long> installedChecksums(Connection connection) throws SQLException {
    Map<Integer, Long> installed = new HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT version, checksum FROM " + HISTORY_TABLE)) {
      while (rows.next()) {
        installed.put(rows.getInt(1), rows.getLong(2));
      }
    }
    return installed;
  }

  private static long checksum(String script) {
    CRC32 crc = new CRC32();
    crc.update(script.getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

  private record Migration(int version, String description) {
    String resource() {
      return "db/migration/V" + version + "__" + description + ".sql";
    }

    String script() {
      try (InputStream in =
          SchemaMigrations.class.getClassLoader().getResourceAsStream(resource())) {
        if (in == null) {
          throw new IllegalStateException(
              "missing migration script on the classpath: " + resource());
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
