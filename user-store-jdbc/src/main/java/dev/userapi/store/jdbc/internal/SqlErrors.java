package dev.userapi.store.jdbc.internal;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link SQLException} into the {@link UserException} a caller may see: never a raw
 * SQLException, never the driver's message (it can quote another user's email).
 *
 * <p>Not API: used by userapi modules only.
 */
public final class SqlErrors {
  private static final Logger log = LoggerFactory.getLogger(SqlErrors.class);

  public static final String UNIQUE_VIOLATION = "23505";

  private SqlErrors() {}

  /** Whether the failure is a unique-constraint violation. */
  public static boolean isUniqueViolation(SQLException e) {
    return UNIQUE_VIOLATION.equals(e.getSQLState());
  }

  /**
   * Whether the connection is gone or could not be had: the database restarted, the backend was
   * terminated, the network failed, or the pool timed out. Nothing was committed by the statement
   * that failed.
   */
  public static boolean isConnectionFailure(SQLException e) {
    if (e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException) {
      return true;
    }
    String state = e.getSQLState();
    if (state == null) {
      return e.getCause() instanceof IOException;
    }
    return state.startsWith("08") // connection exception
        || state.equals("57P01") // admin_shutdown (also pg_terminate_backend)
        || state.equals("57P02") // crash_shutdown
        || state.equals("57P03") // cannot_connect_now (starting up or shutting down)
        || state.startsWith("53"); // insufficient resources (too many connections, ...)
  }

  /**
   * Whether the driver gave up waiting for the database (the connection's network timeout): the
   * server or the network stalled. The driver closed the connection.
   */
  public static boolean isNetworkTimeout(SQLException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Maps a failure of {@code action} (a phrase like "create a user") to a UserException. */
  public static UserException map(SQLException e, String action) {
    String state = e.getSQLState();
    if (isUniqueViolation(e)) {
      return UserException.emailTaken();
    }
    if ("40001".equals(state) || "40P01".equals(state)) {
      log.debug("transaction aborted while trying to {} (SQLState {})", action, state);
      return new UserException(
          ErrorCode.UNAVAILABLE,
          "the database aborted the transaction ("
              + ("40001".equals(state) ? "serialization failure" : "deadlock")
              + ") while trying to "
              + action
              + "; nothing was written, retry",
          List.of(),
          e);
    }
    if (isNetworkTimeout(e)) {
      log.warn("database did not answer in time while trying to {} (SQLState {})", action, state);
      return new UserException(
          ErrorCode.UNAVAILABLE,
          "the database did not answer in time while trying to "
              + action
              + "; nothing was written, retry later",
          List.of(),
          e);
    }
    if (isConnectionFailure(e)) {
      log.warn("database unavailable while trying to {} (SQLState {})", action, state);
      return new UserException(
          ErrorCode.UNAVAILABLE,
          "the database is unavailable (connection lost or refused) while trying to "
              + action
              + "; nothing was written, retry later",
          List.of(),
          e);
    }
    if ("57014".equals(state)) {
      return new UserException(
          ErrorCode.DEADLINE_EXCEEDED,
          "the database cancelled the statement (timeout) while trying to " + action,
          List.of(),
          e);
    }
    String errorId = UUID.randomUUID().toString();
    log.error(
        "unexpected database error {} while trying to {} (SQLState {})", errorId, action, state, e);
    return new UserException(
        ErrorCode.INTERNAL,
        "unexpected database error while trying to " + action + " (logged as " + errorId + ")",
        List.of(),
        e);
  }

  /** The failure of a commit whose outcome is unknown because the connection broke during it. */
  public static UserException commitOutcomeUnknown(SQLException e, String action) {
    if (!isConnectionFailure(e)) {
      return map(e, action);
    }
    log.warn(
        "connection lost while committing, trying to {} (SQLState {})", action, e.getSQLState());
    return new UserException(
        ErrorCode.UNAVAILABLE,
        "the database connection was lost while committing (trying to "
            + action
            + "); the change may or may not have been applied: read before retrying",
        List.of(),
        e);
  }
}
