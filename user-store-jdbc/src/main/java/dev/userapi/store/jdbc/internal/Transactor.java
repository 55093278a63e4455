package dev.userapi.store.jdbc.internal;

import dev.userapi.core.UserException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs units of work on a connection from a {@link DataSource}, in a transaction or in autocommit,
 * and translates failures into {@link UserException}s.
 *
 * <p>A unit that fails with a connection failure before any of its statements succeeded is retried
 * on a fresh connection (a pool may hand out a connection that died with a database restart);
 * nothing can have been written then. A failure after a statement succeeded is reported, never
 * retried: the transaction rolled back and the caller decides. Thread-safe.
 *
 * <p>With a query timeout, every statement is bounded twice over, since no database wait may hold a
 * caller forever: the server cancels a statement that runs longer than the timeout (a lock wait, a
 * slow plan: DEADLINE_EXCEEDED, the connection stays usable), and the connection's network timeout
 * ({@link #networkTimeoutMillis()}: the query timeout plus a grace) ends a call whose database does
 * not answer at all, not even the cancel (a stalled server or network: the connection is closed,
 * UNAVAILABLE). The network timeout also bounds what statements cannot: {@code BEGIN}, {@code
 * COMMIT}, {@code ROLLBACK}.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class Transactor {
  private static final Logger log = LoggerFactory.getLogger(Transactor.class);
  private static final int MAX_ATTEMPTS = 3;

  /**
   * How much longer than the query timeout the driver waits for any answer. The server normally
   * answers a cancelled statement within milliseconds; this leaves room for a loaded machine.
   */
  static final Duration NETWORK_GRACE = Duration.ofSeconds(5);

  private final DataSource dataSource;
  private final int queryTimeoutSeconds;
  private final int networkTimeoutMillis;

  /** A transactor without timeouts (for schema migrations, which may legitimately run long). */
  public Transactor(DataSource dataSource) {
    this.dataSource = dataSource;
    this.queryTimeoutSeconds = 0;
    this.networkTimeoutMillis = 0;
  }

  /**
   * A transactor whose statements the server cancels after {@code queryTimeout} (rounded up to
   * whole seconds, JDBC's unit) and whose connections give up on a silent database after that plus
   * {@link #NETWORK_GRACE}.
   */
  public Transactor(DataSource dataSource, Duration queryTimeout) {
    this.dataSource = dataSource;
    long seconds = queryTimeout.plusNanos(999_999_999).toSeconds();
    this.queryTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, seconds));
    this.networkTimeoutMillis =
        (int) Math.min(Integer.MAX_VALUE, queryTimeoutSeconds * 1000L + NETWORK_GRACE.toMillis());
  }

  /**
   * The network timeout this transactor sets on its connections, in milliseconds; 0 for none. For
   * connections used outside it (the change feed's listener).
   */
  public int networkTimeoutMillis() {
    return networkTimeoutMillis;
  }

  /** Bounds how long the driver waits for the database on {@code connection}; see the class doc. */
  public void applyNetworkTimeout(Connection connection) throws SQLException {
    if (networkTimeoutMillis > 0) {
      // pgjdbc applies it as the socket's read timeout; a pool (HikariCP) restores its own value
      // when the connection is returned. The executor is not used by pgjdbc.
      connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
    }
  }

  /** A unit of work. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Session session) throws SQLException;
  }

  /** Binds the parameters of a statement. */
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Maps the current row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /** Runs {@code work} in one transaction and commits it. */
  public <T> T inTransaction(String action, Work<T> work) {
    return run(action, work, true);
  }

  /** Runs {@code work} in autocommit mode (for reads and single statements). */
  public <T> T autoCommit(String action, Work<T> work) {
    return run(action, work, false);
  }

  private <T> T run(String action, Work<T> work, boolean transactional) {
    for (int attempt = 1; ; attempt++) {
      Session session = null;
      Connection connection = null;
      try {
        connection = dataSource.getConnection();
        applyNetworkTimeout(connection);
        session = new Session(connection, queryTimeoutSeconds);
        return transactional ? runInTransaction(connection, session, work) : work.run(session);
      } catch (CommitFailure e) {
        throw SqlErrors.commitOutcomeUnknown(e.sqlException, action);
      } catch (SQLException e) {
        // Only a connection that was handed out dead is worth replacing; when the data source
        // itself could not supply one, it has already waited as long as it was configured to.
        // A connection that timed out was not stale but unanswered: another attempt would make
        // the caller wait the network timeout again on a database that is not answering.
        boolean staleConnection =
            session != null && !session.progressed && !SqlErrors.isNetworkTimeout(e);
        if (attempt < MAX_ATTEMPTS && staleConnection && SqlErrors.isConnectionFailure(e)) {
          log.debug(
              "retrying on a fresh connection after a stale one failed (attempt {})", attempt);
          continue;
        }
        throw SqlErrors.map(e, action);
      } finally {
        closeQuietly(connection);
      }
    }
  }

  /** Closing happens after the outcome is decided; a failure to close must not change it. */
  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing a connection failed", e);
    }
  }

  private static <T> T runInTransaction(Connection connection, Session session, Work<T> work)
      throws SQLException {
    connection.setAutoCommit(false);
    T result;
    try {
      result = work.run(session);
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly(connection);
      restoreAutoCommit(connection);
      throw e;
    }
    try {
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly(connection);
      restoreAutoCommit(connection);
      throw new CommitFailure(e);
    }
    restoreAutoCommit(connection);
    return result;
  }

  private static void restoreAutoCommit(Connection connection) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      // Committed already; a broken connection is the pool's to discard.
      log.debug("restoring autocommit failed after a commit", e);
    }
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // The connection is broken or the transaction is gone with it; the pool discards it.
    }
  }

  /** A commit that failed; distinguished because its outcome may be unknown. */
  private static final class CommitFailure extends SQLException {
    private static final long serialVersionUID = 1L;
    final transient SQLException sqlException;

    CommitFailure(SQLException cause) {
      super(cause.getMessage(), cause.getSQLState(), cause);
      this.sqlException = cause;
    }
  }

  /**
   * One connection for the duration of a unit of work. Records whether a statement succeeded, so
   * the transactor knows whether a retry is safe. Not thread-safe.
   */
  public static final class Session {
    private final Connection connection;
    private final int queryTimeoutSeconds;
    private boolean progressed;

    Session(Connection connection, int queryTimeoutSeconds) {
      this.connection = connection;
      this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    private PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement statement = connection.prepareStatement(sql);
      if (queryTimeoutSeconds > 0) {
        statement.setQueryTimeout(queryTimeoutSeconds);
      }
      return statement;
    }

    /**
     * The connection, for what the helpers below do not cover; statements made on it directly are
     * bounded by the network timeout only, not by the query timeout.
     */
    public Connection connection() {
      return connection;
    }

    /** Executes an INSERT, UPDATE or DELETE and returns the row count. */
    public int update(String sql, Binder binder) throws SQLException {
      try (PreparedStatement statement = prepare(sql)) {
        binder.bind(statement);
        int count = statement.executeUpdate();
        progressed = true;
        return count;
      }
    }

    /** Executes a query and maps every row. */
    public <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
      try (PreparedStatement statement = prepare(sql)) {
        binder.bind(statement);
        try (ResultSet rows = statement.executeQuery()) {
          List<T> result = new ArrayList<>();
          while (rows.next()) {
            result.add(mapper.map(rows));
          }
          progressed = true;
          return result;
        }
      }
    }

    /** Executes a query expected to return at most one row. */
    public <T> Optional<T> queryOne(String sql, Binder binder, RowMapper<T> mapper)
        throws SQLException {
      List<T> rows = query(sql, binder, mapper);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Executes {@code sql} once per item as one JDBC batch and returns the row counts. */
    public <I> int[] batch(String sql, List<I> items, ItemBinder<I> binder) throws SQLException {
      try (PreparedStatement statement = prepare(sql)) {
        for (I item : items) {
          binder.bind(statement, item);
          statement.addBatch();
        }
        int[] counts = statement.executeBatch();
        progressed = true;
        return counts;
      }
    }
  }

  /** Binds the parameters of one batch item. */
  @FunctionalInterface
  public interface ItemBinder<I> {
    void bind(PreparedStatement statement, I item) throws SQLException;
  }
}
