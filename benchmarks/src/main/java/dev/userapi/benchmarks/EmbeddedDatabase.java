package dev.userapi.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/**
 * A throw-away PostgreSQL (zonky's embedded binaries, unpacked under the temporary directory) for
 * the soak's server under test; its data directory goes with {@link #close()}.
 *
 * <p>Not thread-safe.
 */
final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static EmbeddedDatabase start() throws IOException {
    return new EmbeddedDatabase(EmbeddedPostgres.builder().start());
  }

  /** The JDBC URL of the {@code postgres} database, as user {@link #user()} (no password). */
  String jdbcUrl() {
    return postgres.getJdbcUrl(user(), "postgres");
  }

  String user() {
    return "postgres";
  }

  int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
