package dev.userapi.store.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed of a PostgreSQL store, as {@link Flow.Publisher}s of {@link UserEvent}s read from
 * the {@code user_events} table.
 *
 * <p>The table is the source of truth; notifications only say "look again". One listener per feed
 * holds a dedicated connection that {@code LISTEN}s on {@link #CHANNEL} (every write issues {@code
 * pg_notify} in its transaction, so the wake-up arrives on commit, from any replica), and wakes the
 * watchers, which each read the events after their position in pages as demand allows. After a lost
 * connection the listener reconnects with back-off and wakes everyone, so nothing written meanwhile
 * is missed. Sequences are gapless and commit-ordered (see the V1 migration), so a watcher that
 * finds its next sequence missing knows it was pruned.
 *
 * <p>Thread-safe. Database reads and subscriber calls run on the feed's own threads, never on the
 * thread that calls {@code request}; calls to one subscriber are serialised. However many watch, at
 * most {@value #CONCURRENT_READS} of them read the table at once, so the feed holds at most that
 * many pooled connections besides the listener's and leaves the rest of the pool to the store's
 * other work; a watcher's subscriber is called without that permit, so a slow one delays no other.
 *
 * <p>A watch never completes: it ends only by cancellation or with an error (a closed feed, a
 * pruned position, a failed read). Its drain loop is its own rather than {@code
 * core.internal.DrainingSubscription}, which drains on the thread that calls {@code request}; here
 * every drain runs on the feed's threads, because draining reads the database.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class ChangeFeed implements AutoCloseable {
  /** The notification channel. */
  public static final String CHANNEL = "userapi_user_events";

  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
  private static final int PAGE_SIZE = 256;

  /** Watchers reading the table at once, and so pooled connections they may hold. */
  public static final int CONCURRENT_READS = 2;

  /** A safety net: watchers look again this often even without a notification. */
  private static final int POLL_MILLIS = 10_000;

  private static final long MIN_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private static final String POSITION =
      "SELECT c.last_sequence, (SELECT min(sequence) FROM user_events) FROM user_event_counter c";
  private static final String READ =
      "SELECT sequence, type, "
          + UserRows.SNAPSHOT_COLUMNS
          + " FROM user_events WHERE sequence >= ? ORDER BY sequence LIMIT ?";

  private final DataSource dataSource;
  private final Transactor transactor;
  private final ExecutorService executor;
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  private final Semaphore reads = new Semaphore(CONCURRENT_READS);
  private final AtomicBoolean listenerStarted = new AtomicBoolean();
  private final Object backoffLock = new Object();
  private volatile boolean closed;
  private volatile boolean listening;
  private volatile Connection listenConnection;

  public ChangeFeed(DataSource dataSource, Transactor transactor) {
    this.dataSource = dataSource;
    this.transactor = transactor;
    this.executor = Executors.newCachedThreadPool(daemonThreads());
  }

  /**
   * A publisher of events after {@code afterSequence} (negative: from the next change on). The
   * position is fixed when {@code subscribe} is called: a change committed after that is seen.
   */
  public Flow.Publisher<UserEvent> publisher(long afterSequence) {
    // Null is refused before the database is asked or a watch registered (rule 1.9).
    return subscriber -> subscribe(requireNonNull(subscriber, "subscriber"), afterSequence);
  }

  /** Wakes every watcher of this feed; called after local commits and on notifications. */
  public void signalWatchers() {
    for (Watch watch : watches) {
      watch.signal();
    }
  }

  /** Whether the listener holds a live LISTEN connection (false before the first watch). */
  public boolean isListening() {
    return listening;
  }

  /** Ends every watch with UNAVAILABLE, stops the listener and the feed's threads. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopListener();
    synchronized (backoffLock) {
      backoffLock.notifyAll();
    }
    UserException closedError =
        new UserException(ErrorCode.UNAVAILABLE, "the user store was closed; watch again");
    for (Watch watch : watches) {
      watch.terminateLater(closedError);
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("change feed threads did not stop within 5 seconds");
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void subscribe(Flow.Subscriber<? super UserEvent> subscriber, long afterSequence) {
    if (closed) {
      reject(subscriber, new UserException(ErrorCode.UNAVAILABLE, "the user store is closed"));
      return;
    }
    long[] position;
    try {
      position =
          transactor.autoCommit(
              "open a watch",
              s ->
                  s.queryOne(
                          POSITION,
                          st -> {},
                          row -> {
                            long last = row.getLong(1);
                            long oldest = row.getLong(2);
                            return new long[] {last, row.wasNull() ? last + 1 : oldest};
                          })
                      .orElseThrow(
                          () -> new SQLException("the user_event_counter row is missing")));
    } catch (UserException e) {
      reject(subscriber, e);
      return;
    }
    long last = position[0];
    long oldestRetained = position[1];
    if (afterSequence > last) {
      reject(
          subscriber,
          UserException.invalidArgument(
              "afterSequence", "is ahead of the newest event (" + last + ")"));
      return;
    }
    if (afterSequence >= 0 && afterSequence + 1 < oldestRetained) {
      reject(
          subscriber,
          UserException.invalidArgument(
              "afterSequence", "is older than the oldest retained event (" + oldestRetained + ")"));
      return;
    }
    startListener();
    Watch watch = new Watch(subscriber, afterSequence < 0 ? last + 1 : afterSequence + 1);
    watches.add(watch);
    subscriber.onSubscribe(watch);
    watch.signal();
  }

  private static void reject(Flow.Subscriber<? super UserEvent> subscriber, Throwable error) {
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    subscriber.onError(error);
  }

  private void startListener() {
    if (listenerStarted.compareAndSet(false, true)) {
      try {
        executor.execute(this::listen);
      } catch (RejectedExecutionException e) {
        listenerStarted.set(false);
      }
    }
  }

  private void listen() {
    long backoff = MIN_BACKOFF_MILLIS;
    boolean failedBefore = false;
    while (!closed) {
      try (Connection connection = dataSource.getConnection()) {
        listenConnection = connection;
        if (closed) {
          return;
        }
        // LISTEN and UNLISTEN must not hang on a stalled database either; the wait for
        // notifications sets its own, shorter, read timeout and restores this one.
        transactor.applyNetworkTimeout(connection);
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        listening = true;
        backoff = MIN_BACKOFF_MILLIS;
        if (failedBefore) {
          log.info("change feed listener reconnected");
        }
        // Whatever was committed while we were not listening is read now.
        signalWatchers();
        awaitNotifications(connection);
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        failedBefore = true;
        log.warn(
            "change feed listener lost its database connection ({}); reconnecting in {} ms",
            e instanceof SQLException sql ? "SQLState " + sql.getSQLState() : e.toString(),
            backoff);
        pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      } finally {
        listening = false;
        listenConnection = null;
      }
    }
  }

  private void awaitNotifications(Connection connection) throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    try {
      while (!closed) {
        pg.getNotifications(POLL_MILLIS);
        signalWatchers();
      }
      // The connection goes back to the pool: it must not keep collecting notifications there.
      try (Statement statement = connection.createStatement()) {
        statement.execute("UNLISTEN *");
      }
    } catch (SQLException e) {
      // The failure bypassed the pool's proxy (we read on the unwrapped connection), so the pool
      // would take the dead connection back as healthy; aborting it makes the pool discard it.
      abortQuietly(connection);
      throw e;
    }
  }

  private static void abortQuietly(Connection connection) {
    try {
      connection.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      log.debug("aborting the listen connection failed", e);
    }
  }

  private void pause(long millis) {
    synchronized (backoffLock) {
      if (closed) {
        return;
      }
      try {
        backoffLock.wait(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
    }
  }

  /**
   * Wakes the listener out of its blocking wait so it sees {@code closed} now rather than at its
   * poll timeout: a notification on our own channel (other replicas merely look once more for
   * events), or, when the database cannot take it, aborting the connection under the read.
   */
  private void stopListener() {
    Connection connection = listenConnection;
    if (connection == null) {
      return;
    }
    try {
      transactor.autoCommit(
          "stop the change feed listener",
          s -> s.query("SELECT pg_notify('" + CHANNEL + "', 'wake')", st -> {}, row -> true));
      return;
    } catch (UserException e) {
      log.debug("could not wake the listener with a notification; aborting its connection", e);
    }
    abortQuietly(connection);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "userapi-pg-change-feed-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** One subscription. Its state is touched only inside {@link #drain()}, one thread at a time. */
  private final class Watch implements Flow.Subscription {
    private final Flow.Subscriber<? super UserEvent> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final ArrayDeque<UserEvent> buffer = new ArrayDeque<>();
    private volatile boolean cancelled;
    private volatile Throwable pendingError;
    private boolean done;
    private long nextSequence;

    Watch(Flow.Subscriber<? super UserEvent> subscriber, long nextSequence) {
      this.subscriber = subscriber;
      this.nextSequence = nextSequence;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        terminateLater(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        return;
      }
      demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
      signal();
    }

    @Override
    public void cancel() {
      cancelled = true;
      watches.remove(this);
    }

    void terminateLater(Throwable error) {
      pendingError = error;
      signal();
    }

    void signal() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The feed is closed; the closing error was already scheduled or delivered.
        watches.remove(this);
      }
    }

    private void drain() {
      int missed = 1;
      do {
        try {
          drainOnce();
        } catch (RuntimeException e) {
          log.warn("a change feed subscriber threw; ending its watch", e);
          cancel();
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    private void drainOnce() {
      if (done) {
        return;
      }
      if (cancelled) {
        done = true;
        buffer.clear();
        return;
      }
      Throwable error = pendingError;
      if (error != null) {
        terminate(error);
        return;
      }
      while (!cancelled && pendingError == null && demand.get() > 0) {
        if (buffer.isEmpty() && !fill()) {
          return;
        }
        UserEvent event = buffer.poll();
        nextSequence = event.sequence() + 1;
        demand.decrementAndGet();
        subscriber.onNext(event);
      }
    }

    /** Reads the next page; false when there is nothing new (or the read failed transiently). */
    private boolean fill() {
      long limit = Math.min(demand.get(), PAGE_SIZE);
      List<UserEvent> page;
      try {
        reads.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false; // the feed is closing
      }
      UserException failure = null;
      try {
        page =
            transactor.autoCommit(
                "read the change feed",
                s ->
                    s.query(
                        READ,
                        st -> {
                          st.setLong(1, nextSequence);
                          st.setLong(2, limit);
                        },
                        UserRows::readEvent));
      } catch (UserException e) {
        page = List.of();
        failure = e;
      } finally {
        reads.release();
      }
      if (failure != null) {
        if (failure.code() == ErrorCode.UNAVAILABLE) {
          // The listener wakes us again once the database is back.
          log.debug("change feed read failed; waiting for the database", failure);
          return false;
        }
        terminate(failure);
        return false;
      }
      if (page.isEmpty()) {
        return false;
      }
      if (page.get(0).sequence() != nextSequence) {
        terminate(
            new UserException(
                ErrorCode.RESOURCE_EXHAUSTED,
                "watcher fell behind the retained change feed (event "
                    + nextSequence
                    + " was pruned); watch again from a newer sequence"));
        return false;
      }
      buffer.addAll(page);
      return true;
    }

    private void terminate(Throwable error) {
      done = true;
      buffer.clear();
      watches.remove(this);
      if (!cancelled) {
        subscriber.onError(error);
      }
    }
  }
}
