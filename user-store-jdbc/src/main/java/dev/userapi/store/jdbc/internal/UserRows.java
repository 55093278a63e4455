package dev.userapi.store.jdbc.internal;

import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.OptionalInt;

/**
 * The one place that maps users to and from SQL parameters and rows. Every user column list is
 * written in the order of {@link #COLUMNS}.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class UserRows {
  /** The user columns, in binding and reading order. */
  public static final String COLUMNS = "id, name, email, age, create_time, update_time, version";

  /** The same columns in the event and request tables, where the id column is {@code user_id}. */
  public static final String SNAPSHOT_COLUMNS =
      "user_id, name, email, age, create_time, update_time, version";

  /** Seven placeholders with the casts the columns need. */
  public static final String PLACEHOLDERS =
      "?, ?, ?, ?::integer, ?::timestamptz, ?::timestamptz, ?::bigint";

  private UserRows() {}

  /** Binds the seven user columns starting at parameter {@code first}; returns the next index. */
  public static int bind(PreparedStatement statement, int first, User user) throws SQLException {
    int i = first;
    statement.setString(i++, user.id());
    statement.setString(i++, user.name());
    statement.setString(i++, user.email());
    if (user.age().isPresent()) {
      statement.setInt(i++, user.age().getAsInt());
    } else {
      statement.setNull(i++, Types.INTEGER);
    }
    statement.setObject(i++, timestamp(user.createTime()));
    statement.setObject(i++, timestamp(user.updateTime()));
    statement.setLong(i++, user.version());
    return i;
  }

  /** Reads the seven user columns starting at column {@code first}. */
  public static User read(ResultSet row, int first) throws SQLException {
    int i = first;
    String id = row.getString(i++);
    String name = row.getString(i++);
    String email = row.getString(i++);
    int age = row.getInt(i++);
    OptionalInt maybeAge = row.wasNull() ? OptionalInt.empty() : OptionalInt.of(age);
    Instant createTime = row.getObject(i++, OffsetDateTime.class).toInstant();
    Instant updateTime = row.getObject(i++, OffsetDateTime.class).toInstant();
    long version = row.getLong(i);
    return new User(id, name, email, maybeAge, createTime, updateTime, version);
  }

  /** Reads a user selected with {@link #COLUMNS} first. */
  public static User read(ResultSet row) throws SQLException {
    return read(row, 1);
  }

  /** Reads an event selected as {@code sequence, type, } + {@link #SNAPSHOT_COLUMNS}. */
  public static UserEvent readEvent(ResultSet row) throws SQLException {
    long sequence = row.getLong(1);
    UserEvent.Type type = UserEvent.Type.valueOf(row.getString(2));
    return new UserEvent(sequence, type, read(row, 3));
  }

  /** A timestamp parameter for {@code instant} (PostgreSQL keeps microseconds). */
  public static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
