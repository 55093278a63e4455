package dev.userapi.store.jdbc.internal;

import dev.userapi.core.UserException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * <p>Not API: used by userapi modules only.
 */
public final class Transactor {
  private static final Logger log = LoggerFactory.getLogger(Transactor.class);
  private static final int MAX_ATTEMPTS = 3;

  private final DataSource dataSource;

  public Transactor(DataSource dataSource) {
    this.dataSource = dataSource;
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
        session = new Session(connection);
        return transactional ? runInTransaction(connection, session, work) : work.run(session);
      } catch (CommitFailure e) {
        throw SqlErrors.commitOutcomeUnknown(e.sqlException, action);
      } catch (SQLException e) {
        // Only a connection that was handed out dead is worth replacing; when the data source
        // itself could not supply one, it has already waited as long as it was configured to.
        boolean staleConnection = session != null && !session.progressed;
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
    private boolean progressed;

    Session(Connection connection) {
      this.connection = connection;
    }

    /** The connection, for what the helpers below do not cover. */
    public Connection connection() {
      return connection;
    }

    /** Executes an INSERT, UPDATE or DELETE and returns the row count. */
    public int update(String sql, Binder binder) throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        binder.bind(statement);
        int count = statement.executeUpdate();
        progressed = true;
        return count;
      }
    }

    /** Executes a query and maps every row. */
    public <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
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
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
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
