package dev.userapi.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.CreateResult;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserRepository;
import dev.userapi.store.jdbc.internal.ChangeFeed;
import dev.userapi.store.jdbc.internal.PageTokenSecret;
import dev.userapi.store.jdbc.internal.SchemaMigrations;
import dev.userapi.store.jdbc.internal.Transactor;
import dev.userapi.store.jdbc.internal.Transactor.Session;
import dev.userapi.store.jdbc.internal.UserRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link UserRepository} on PostgreSQL (11 or newer) over any {@link DataSource}, with plain
 * JDBC.
 *
 * <pre>{@code
 * HikariDataSource pool = new HikariDataSource(config);
 * try (PostgresUserRepository repository =
 *     PostgresUserRepository.builder().dataSource(pool).build()) {
 *   UserService users = DefaultUserService.of(repository);
 *   ...
 * }
 * }</pre>
 *
 * <p>What the database guarantees: emails are unique through a unique index on {@code
 * lower(email)}; updates and conditional deletes are compare-and-set on the version column ({@code
 * UPDATE ... WHERE id = ? AND version = ?}, no {@code SELECT ... FOR UPDATE}); every change writes
 * its event to {@code user_events} in the same transaction and notifies {@value ChangeFeed#CHANNEL}
 * on commit, so a watch opened through one repository sees the writes of every other repository
 * (replica) on the same database, and can resume from a sequence. Scans are keyset-paged on the
 * time-ordered id. The key that signs page tokens is kept in the database too ({@link
 * #pageTokenSecret()}), so {@code DefaultUserService}s on one database (replicas, and each replica
 * after a restart) accept each other's page tokens with no configuration.
 *
 * <p>Failures are {@link UserException}s, never {@link SQLException}s: ALREADY_EXISTS for a taken
 * email, UNAVAILABLE for a lost connection, a database restart or an aborted transaction (nothing
 * was written; retry), INTERNAL for anything unexpected (logged with an id). A connection that died
 * before a call used it (a pool after a database restart) is replaced transparently. No call waits
 * on the database forever: a statement that runs past the {@linkplain Builder#queryTimeout query
 * timeout} is cancelled (DEADLINE_EXCEEDED), and a database that does not answer at all is given up
 * on shortly after (UNAVAILABLE).
 *
 * <p>Thread-safe. The repository does not own the data source: {@link #close()} ends the watches
 * and the change-feed threads, and leaves the data source open. Each call borrows one connection
 * for its duration. The change feed needs at most three more, however many watch: from the first
 * watch until {@link #close()}, one that {@code LISTEN}s (held even while no watch is open), and,
 * while watchers read new events, at most two for reading. Size a pool for the calls in flight plus
 * three.
 *
 * @since 0.1.0
 */
public final class PostgresUserRepository implements UserRepository {
  private static final Logger log = LoggerFactory.getLogger(PostgresUserRepository.class);

  /** How many change events are kept for watchers to resume from, by default. */
  public static final long DEFAULT_EVENT_RETENTION = 100_000;

  /** How long request ids are remembered for idempotent creates, by default. */
  public static final Duration DEFAULT_REQUEST_ID_RETENTION = Duration.ofHours(24);

  /** How long a statement may run before the database cancels it, by default. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);

  private static final String SELECT_USER = "SELECT " + UserRows.COLUMNS + " FROM users";
  private static final String INSERT_USER =
      "INSERT INTO users (" + UserRows.COLUMNS + ") VALUES (" + UserRows.PLACEHOLDERS + ")";
  private static final String CLAIM_REQUEST =
      "INSERT INTO user_requests (request_id, "
          + UserRows.SNAPSHOT_COLUMNS
          + ") VALUES (?, "
          + UserRows.PLACEHOLDERS
          + ") ON CONFLICT (request_id) DO NOTHING";
  private static final String EARLIER_REQUEST =
      "SELECT " + UserRows.SNAPSHOT_COLUMNS + " FROM user_requests WHERE request_id = ?";
  private static final String UPDATE_USER =
      "UPDATE users SET name = ?, email = ?, age = ?::integer, update_time = ?::timestamptz,"
          + " version = ? WHERE id = ? AND version = ?";

  /** Takes the next sequence (the counter row lock orders commits), writes the event, notifies. */
  private static final String RECORD_EVENT =
      "WITH s AS (UPDATE user_event_counter SET last_sequence = last_sequence + 1"
          + " RETURNING last_sequence),"
          + " e AS (INSERT INTO user_events (sequence, type, "
          + UserRows.SNAPSHOT_COLUMNS
          + ")"
          + " SELECT s.last_sequence, ?, "
          + UserRows.PLACEHOLDERS
          + " FROM s RETURNING sequence)"
          + " SELECT sequence, pg_notify('"
          + ChangeFeed.CHANNEL
          + "', sequence::text) FROM e";

  private static final String RESERVE_SEQUENCES =
      "UPDATE user_event_counter SET last_sequence = last_sequence + ? RETURNING last_sequence";

  /** The CREATED events of a batch in one statement: sequences follow the order of the ids. */
  private static final String INSERT_CREATED_EVENTS =
      "INSERT INTO user_events (sequence, type, "
          + UserRows.SNAPSHOT_COLUMNS
          + ")"
          + " SELECT ?::bigint + w.n - 1, 'CREATED', u.id, u.name, u.email, u.age, u.create_time,"
          + " u.update_time, u.version"
          + " FROM unnest(?::text[]) WITH ORDINALITY AS w(id, n) JOIN users u ON u.id = w.id"
          + " ORDER BY w.n";

  private static final String NOTIFY = "SELECT pg_notify('" + ChangeFeed.CHANNEL + "', ?)";

  private final DataSource dataSource;
  private final Transactor transactor;
  private final ChangeFeed feed;
  private final PageTokenSecret pageTokenSecret;
  private final long eventRetention;
  private final long pruneEvery;
  private final Duration requestIdRetention;
  private final AtomicLong lastPruneBucket = new AtomicLong();
  private volatile boolean closed;

  private PostgresUserRepository(Builder builder) {
    this.dataSource = builder.dataSource;
    this.transactor = new Transactor(dataSource, builder.queryTimeout);
    this.eventRetention = builder.eventRetention;
    this.pruneEvery = Math.max(1, Math.min(1_000, eventRetention / 10));
    this.requestIdRetention = builder.requestIdRetention;
    this.feed = new ChangeFeed(dataSource, transactor);
    this.pageTokenSecret = new PageTokenSecret(transactor);
  }

  /**
   * Returns a builder; {@link Builder#dataSource} is required.
   *
   * @return a new builder with default settings
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public User insert(User user, String requestId) {
    requireNonNull(user, "user");
    Written<User> written =
        transactor.inTransaction(
            "create a user",
            s -> {
              if (requestId != null && !claimRequest(s, requestId, user)) {
                User earlier =
                    s.queryOne(EARLIER_REQUEST, st -> st.setString(1, requestId), UserRows::read)
                        .orElseThrow(() -> new SQLException("request id vanished: " + requestId));
                return new Written<>(earlier, 0);
              }
              s.update(INSERT_USER, st -> UserRows.bind(st, 1, user));
              return new Written<>(user, record(s, UserEvent.Type.CREATED, user));
            });
    afterWrite(written.sequence());
    return written.value();
  }

  @Override
  public List<CreateResult> insertAll(List<User> users) {
    requireNonNull(users, "users");
    if (users.isEmpty()) {
      return List.of();
    }
    Written<List<CreateResult>> written =
        transactor.inTransaction("create users", s -> insertBatch(s, users));
    afterWrite(written.sequence());
    return written.value();
  }

  @Override
  public Optional<User> findById(String id) {
    requireNonNull(id, "id");
    return transactor.autoCommit(
        "read a user",
        s -> s.queryOne(SELECT_USER + " WHERE id = ?", st -> st.setString(1, id), UserRows::read));
  }

  @Override
  public User update(User user, long expectedVersion) {
    requireNonNull(user, "user");
    Written<User> written =
        transactor.inTransaction(
            "update a user",
            s -> {
              int updated =
                  s.update(
                      UPDATE_USER,
                      st -> {
                        st.setString(1, user.name());
                        st.setString(2, user.email());
                        if (user.age().isPresent()) {
                          st.setInt(3, user.age().getAsInt());
                        } else {
                          st.setNull(3, Types.INTEGER);
                        }
                        st.setObject(4, UserRows.timestamp(user.updateTime()));
                        st.setLong(5, user.version());
                        st.setString(6, user.id());
                        st.setLong(7, expectedVersion);
                      });
              if (updated == 0) {
                throw exists(s, user.id())
                    ? UserException.staleEtag(user.id())
                    : UserException.notFound(user.id());
              }
              return new Written<>(user, record(s, UserEvent.Type.UPDATED, user));
            });
    afterWrite(written.sequence());
    return written.value();
  }

  @Override
  public Optional<User> delete(String id, OptionalLong expectedVersion) {
    requireNonNull(id, "id");
    requireNonNull(expectedVersion, "expectedVersion");
    String sql =
        "DELETE FROM users WHERE id = ?"
            + (expectedVersion.isPresent() ? " AND version = ?" : "")
            + " RETURNING "
            + UserRows.COLUMNS;
    Written<Optional<User>> written =
        transactor.inTransaction(
            "delete a user",
            s -> {
              Optional<User> deleted =
                  s.queryOne(
                      sql,
                      st -> {
                        st.setString(1, id);
                        if (expectedVersion.isPresent()) {
                          st.setLong(2, expectedVersion.getAsLong());
                        }
                      },
                      UserRows::read);
              if (deleted.isEmpty()) {
                if (expectedVersion.isPresent() && exists(s, id)) {
                  throw UserException.staleEtag(id);
                }
                return new Written<>(deleted, 0);
              }
              return new Written<>(deleted, record(s, UserEvent.Type.DELETED, deleted.get()));
            });
    afterWrite(written.sequence());
    return written.value();
  }

  @Override
  public List<User> scan(UserFilter filter, String afterId, int limit) {
    requireNonNull(filter, "filter");
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    StringBuilder sql = new StringBuilder(SELECT_USER).append(" WHERE true");
    if (afterId != null) {
      sql.append(" AND id > ?");
    }
    if (filter.email().isPresent()) {
      sql.append(" AND lower(email) = lower(?)");
    }
    if (filter.namePrefix().isPresent()) {
      sql.append(" AND starts_with(name, ?)");
    }
    if (filter.minAge().isPresent()) {
      sql.append(" AND age >= ?");
    }
    if (filter.maxAge().isPresent()) {
      sql.append(" AND age <= ?");
    }
    sql.append(" ORDER BY id LIMIT ?");
    return transactor.autoCommit(
        "list users",
        s ->
            s.query(
                sql.toString(),
                st -> st.setInt(bindScan(st, filter, afterId), limit),
                UserRows::read));
  }

  @Override
  public Flow.Publisher<UserEvent> changes(long afterSequence) {
    return feed.publisher(afterSequence);
  }

  /**
   * The page-token key of this database: 32 random bytes in the one-row table {@code
   * page_token_secret}, created by the first repository that asks (once the V2 migration created
   * the table) and then the same for every repository on the database, across restarts. Read from
   * the database on the first call and kept.
   *
   * @return the key, always present
   * @throws UserException UNAVAILABLE when the database cannot be reached (ask again later);
   *     INTERNAL when the schema lacks the table (a {@code migrate(false)} deployment that did not
   *     apply {@code V2__page_token_secret.sql})
   */
  @Override
  public Optional<byte[]> pageTokenSecret() {
    return Optional.of(pageTokenSecret.bytes());
  }

  /** SERVING when a connection can be had and is valid; NOT_SERVING otherwise or once closed. */
  @Override
  public HealthStatus health() {
    if (closed) {
      return HealthStatus.NOT_SERVING;
    }
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(2) ? HealthStatus.SERVING : HealthStatus.NOT_SERVING;
    } catch (SQLException e) {
      return HealthStatus.NOT_SERVING;
    }
  }

  /** Ends open watches with UNAVAILABLE and stops the change feed; the data source stays open. */
  @Override
  public void close() {
    closed = true;
    feed.close();
  }

  /** Binds the scan's filter parameters in the order scan appends them; returns the next index. */
  private static int bindScan(PreparedStatement st, UserFilter filter, String afterId)
      throws SQLException {
    int i = 1;
    if (afterId != null) {
      st.setString(i++, afterId);
    }
    if (filter.email().isPresent()) {
      st.setString(i++, filter.email().get());
    }
    if (filter.namePrefix().isPresent()) {
      st.setString(i++, filter.namePrefix().get());
    }
    if (filter.minAge().isPresent()) {
      st.setInt(i++, filter.minAge().getAsInt());
    }
    if (filter.maxAge().isPresent()) {
      st.setInt(i++, filter.maxAge().getAsInt());
    }
    return i;
  }

  private static boolean claimRequest(Session s, String requestId, User user) throws SQLException {
    return s.update(
            CLAIM_REQUEST,
            st -> {
              st.setString(1, requestId);
              UserRows.bind(st, 2, user);
            })
        == 1;
  }

  private static boolean exists(Session s, String id) throws SQLException {
    return s.queryOne("SELECT 1 FROM users WHERE id = ?", st -> st.setString(1, id), row -> true)
        .isPresent();
  }

  private static long record(Session s, UserEvent.Type type, User user) throws SQLException {
    return s.queryOne(
            RECORD_EVENT,
            st -> {
              st.setString(1, type.name());
              UserRows.bind(st, 2, user);
            },
            row -> row.getLong(1))
        .orElseThrow(() -> new SQLException("the user_event_counter row is missing"));
  }

  /**
   * Inserts with one JDBC batch of {@code INSERT ... ON CONFLICT DO NOTHING}: an item whose email
   * (or id) is taken inserts nothing instead of aborting the transaction, and is reported as
   * ALREADY_EXISTS. The winners' events get consecutive sequences from one counter update.
   */
  private Written<List<CreateResult>> insertBatch(Session s, List<User> users) throws SQLException {
    int[] counts =
        s.batch(INSERT_USER + " ON CONFLICT DO NOTHING", users, (st, u) -> UserRows.bind(st, 1, u));
    boolean[] inserted = insertedItems(s, users, counts);
    List<User> winners = new ArrayList<>(users.size());
    List<CreateResult> results = new ArrayList<>(users.size());
    for (int i = 0; i < users.size(); i++) {
      if (inserted[i]) {
        winners.add(users.get(i));
        results.add(CreateResult.success(i, users.get(i)));
      } else {
        results.add(CreateResult.failure(i, UserException.emailTaken()));
      }
    }
    if (winners.isEmpty()) {
      return new Written<>(results, 0);
    }
    long last =
        s.queryOne(RESERVE_SEQUENCES, st -> st.setLong(1, winners.size()), row -> row.getLong(1))
            .orElseThrow(() -> new SQLException("the user_event_counter row is missing"));
    long first = last - winners.size() + 1;
    Object[] winnerIds = winners.stream().map(User::id).toArray();
    s.update(
        INSERT_CREATED_EVENTS,
        st -> {
          st.setLong(1, first);
          st.setArray(2, s.connection().createArrayOf("text", winnerIds));
        });
    s.query(NOTIFY, st -> st.setString(1, Long.toString(last)), row -> true);
    return new Written<>(results, last);
  }

  /**
   * Which batch items inserted a row. Drivers report a count per statement, except when they
   * rewrite the batch into multi-row inserts (pgjdbc's {@code reWriteBatchedInserts}); then the
   * rows are looked up by id and compared.
   */
  private static boolean[] insertedItems(Session s, List<User> users, int[] counts)
      throws SQLException {
    boolean[] inserted = new boolean[users.size()];
    boolean known = counts.length == users.size();
    for (int i = 0; known && i < counts.length; i++) {
      if (counts[i] < 0) {
        known = false;
      } else {
        inserted[i] = counts[i] > 0;
      }
    }
    if (known) {
      return inserted;
    }
    Map<String, User> stored = new HashMap<>();
    Object[] ids = users.stream().map(User::id).toArray();
    for (User user :
        s.query(
            SELECT_USER + " WHERE id = ANY (?)",
            st -> st.setArray(1, s.connection().createArrayOf("text", ids)),
            UserRows::read)) {
      stored.put(user.id(), user);
    }
    for (int i = 0; i < users.size(); i++) {
      User row = stored.remove(users.get(i).id());
      inserted[i] = row != null && row.email().equals(users.get(i).email());
    }
    return inserted;
  }

  private void afterWrite(long sequence) {
    if (sequence <= 0) {
      return;
    }
    feed.signalWatchers();
    long bucket = sequence / pruneEvery;
    if (bucket > lastPruneBucket.getAndAccumulate(bucket, Math::max)) {
      prune(sequence);
    }
  }

  /** Drops events past the retention and expired request ids; best effort. */
  private void prune(long newestSequence) {
    try {
      transactor.autoCommit(
          "prune the change feed",
          s -> {
            s.update(
                "DELETE FROM user_events WHERE sequence <= ?",
                st -> st.setLong(1, newestSequence - eventRetention));
            s.update(
                "DELETE FROM user_requests WHERE recorded_at < now() - make_interval(secs => ?)",
                st -> st.setDouble(1, requestIdRetention.toMillis() / 1000.0));
            return null;
          });
    } catch (UserException e) {
      log.warn("pruning the change feed failed; will try again later: {}", e.getMessage());
    }
  }

  /** The value of a write and the sequence of its last event (0: nothing was written). */
  private record Written<T>(T value, long sequence) {}

  /**
   * Configures a {@link PostgresUserRepository}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private DataSource dataSource;
    private boolean migrate = true;
    private long eventRetention = DEFAULT_EVENT_RETENTION;
    private Duration requestIdRetention = DEFAULT_REQUEST_ID_RETENTION;
    private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;

    private Builder() {}

    /**
     * The database (required). Any DataSource works; pool it (HikariCP) in production.
     *
     * @param dataSource the PostgreSQL data source, owned by the caller
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Whether {@link #build()} brings the schema up to date (default true). Turn it off when
     * migrations run as a separate deployment step, with Flyway or by hand, from the scripts in
     * {@code db/migration} on the classpath.
     *
     * @param migrate false to leave the schema alone
     * @return this builder
     */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * How many of the newest change events are kept for watchers to resume from (default {@value
     * PostgresUserRepository#DEFAULT_EVENT_RETENTION}). Older events are pruned; resuming from
     * before them fails with INVALID_ARGUMENT.
     *
     * @param eventRetention how many events to keep, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code eventRetention} is below 1
     */
    public Builder eventRetention(long eventRetention) {
      if (eventRetention < 1) {
        throw new IllegalArgumentException(
            "eventRetention: " + eventRetention + " (expected: >= 1)");
      }
      this.eventRetention = eventRetention;
      return this;
    }

    /**
     * How long a create's request id is remembered (default 24 hours); a retry after that creates
     * again or fails with ALREADY_EXISTS.
     *
     * @param requestIdRetention the retention, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code requestIdRetention} is zero or negative
     */
    public Builder requestIdRetention(Duration requestIdRetention) {
      requireNonNull(requestIdRetention, "requestIdRetention");
      if (requestIdRetention.isNegative() || requestIdRetention.isZero()) {
        throw new IllegalArgumentException(
            "requestIdRetention: " + requestIdRetention + " (expected: > 0)");
      }
      this.requestIdRetention = requestIdRetention;
      return this;
    }

    /**
     * How long the database may take over one statement (default 30 seconds), so that no call waits
     * on the database forever. A statement still running then (waiting for a lock, say) is
     * cancelled by the server and the call fails with DEADLINE_EXCEEDED; nothing was written. A
     * database that does not answer at all (stalled, or the network to it) is given this plus 5
     * seconds, then the connection is dropped and the call fails with UNAVAILABLE (a commit cut
     * short this way may or may not have been applied, and says so). Rounded up to whole seconds,
     * JDBC's unit. Schema migrations in {@link #build()} are not bounded by it.
     *
     * @param queryTimeout the timeout, at least one second after rounding up
     * @return this builder
     * @throws IllegalArgumentException when {@code queryTimeout} is zero or negative
     */
    public Builder queryTimeout(Duration queryTimeout) {
      requireNonNull(queryTimeout, "queryTimeout");
      if (queryTimeout.isNegative() || queryTimeout.isZero()) {
        throw new IllegalArgumentException("queryTimeout: " + queryTimeout + " (expected: > 0)");
      }
      this.queryTimeout = queryTimeout;
      return this;
    }

    /**
     * Builds the repository, migrating the schema first unless disabled.
     *
     * @return a new repository; closing it stops its change feed and leaves the data source open
     * @throws IllegalStateException when no data source was set
     * @throws UserException UNAVAILABLE when the database cannot be reached for the migration
     */
    public PostgresUserRepository build() {
      if (dataSource == null) {
        throw new IllegalStateException("dataSource is required");
      }
      if (migrate) {
        int applied =
            new Transactor(dataSource)
                .autoCommit("migrate the schema", s -> SchemaMigrations.migrate(s.connection()));
        if (applied > 0) {
          log.info("migrated the userapi schema to version {}", SchemaMigrations.latestVersion());
        }
      }
      return new PostgresUserRepository(this);
    }
  }
}
