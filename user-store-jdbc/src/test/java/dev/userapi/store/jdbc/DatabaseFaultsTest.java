package dev.userapi.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.net.InetAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network and database faults between the store and PostgreSQL, made by a {@link FaultyProxy}: the
 * service runs on a HikariCP pool with short timeouts (as a server would), connected through the
 * proxy. No assertion is about timing: {@link #BOUND} is far above every timeout involved and is
 * only reached by a call that hangs.
 */
class DatabaseFaultsTest {
  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase();

  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration BOUND = Duration.ofSeconds(60);

  private FaultyProxy proxy;
  private PostgresUserRepository repository;
  private UserService service;
  private ExecutorService callers;

  @BeforeEach
  void connectThroughTheProxy() {
    URI target = URI.create(db.jdbcUrl().substring("jdbc:".length()));
    proxy = FaultyProxy.start(target.getHost(), target.getPort());
    String url =
        "jdbc:postgresql://"
            + InetAddress.getLoopbackAddress().getHostAddress()
            + ":"
            + proxy.port()
            + target.getRawPath()
            + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
    HikariDataSource pool =
        db.newDataSource(
            config -> {
              config.setJdbcUrl(url);
              config.setMaximumPoolSize(6);
              config.setConnectionTimeout(2_000);
              config.setValidationTimeout(1_000);
            });
    repository =
        PostgresUserRepository.builder()
            .dataSource(pool)
            .migrate(false)
            .queryTimeout(QUERY_TIMEOUT)
            .build();
    service = DefaultUserService.of(repository);
    callers = Executors.newCachedThreadPool();
  }

  @AfterEach
  void closeEverything() throws InterruptedException {
    proxy.close();
    repository.close();
    callers.shutdownNow();
    assertThat(callers.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void callsMadeWhileTheDatabaseStallsFailUnavailableOrDeadlineExceededInsteadOfHanging()
      throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com"));

    proxy.stall();
    List<Future<?>> calls = new ArrayList<>();
    calls.add(callers.submit(() -> service.get(ada.id())));
    calls.add(callers.submit(() -> service.create(NewUser.of("Bob", "bob@example.com"))));
    calls.add(callers.submit(() -> service.list(UserQuery.firstPage(10))));
    calls.add(
        callers.submit(
            () -> service.update(ada.id(), UserUpdate.builder().name("Ada L").build(), null)));

    for (Future<?> call : calls) {
      assertFailsCleanly(call);
    }
    proxy.resume();
    await()
        .atMost(BOUND)
        .ignoreExceptionsInstanceOf(UserException.class)
        .untilAsserted(() -> assertThat(service.get(ada.id())).isEqualTo(ada));
  }

  @Test
  void aWriteWaitingForTheDatabaseWhenItStallsFailsInsteadOfHangingAndWritesNothing()
      throws Exception {
    Future<User> create;
    try (Connection blocker = db.connect();
        Connection admin = db.connect()) {
      // The create stops at the event counter's row lock, mid-transaction; then the network
      // stalls, and the lock is released so that the answer is stuck in the proxy.
      lockEventCounter(blocker);
      create = callers.submit(() -> service.create(NewUser.of("Ada", "ada@example.com")));
      await().atMost(BOUND).until(() -> backendWaitingForALock(admin), Optional::isPresent);
      proxy.stall();
      blocker.rollback();

      assertFailsCleanly(create);
    }
    proxy.resume();

    await()
        .atMost(BOUND)
        .ignoreExceptionsInstanceOf(UserException.class)
        .untilAsserted(() -> assertThat(service.list(UserQuery.firstPage(10)).items()).isEmpty());
  }

  @Test
  void aStatementBlockedByALockEndsWithDeadlineExceededAfterTheQueryTimeout() throws Exception {
    try (Connection blocker = db.connect()) {
      lockEventCounter(blocker);
      Future<User> create =
          callers.submit(() -> service.create(NewUser.of("Ada", "ada@example.com")));

      assertFailsCleanly(create, e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
      blocker.rollback();
    }
    assertThat(service.list(UserQuery.firstPage(10)).items()).isEmpty();
    assertThat(service.create(NewUser.of("Ada", "ada@example.com")).name()).isEqualTo("Ada");
  }

  @Test
  void everyAcknowledgedWriteSurvivesACutAndARetriedFailedCreateExistsOnce() throws Exception {
    Queue<User> acknowledged = new ConcurrentLinkedQueue<>();
    Queue<Attempt> failed = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger names = new AtomicInteger();
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      writers.add(
          callers.submit(
              () -> {
                while (!stop.get()) {
                  int n = names.incrementAndGet();
                  NewUser newUser = NewUser.of("User " + n, "user" + n + "@example.com");
                  String requestId = UUID.randomUUID().toString();
                  try {
                    acknowledged.add(service.create(newUser, requestId));
                  } catch (UserException e) {
                    failed.add(new Attempt(newUser, requestId, e));
                  }
                }
                return null;
              }));
    }
    await().atMost(BOUND).until(() -> acknowledged.size() >= 30);

    proxy.cut();
    int atCut = acknowledged.size();
    await().atMost(BOUND).until(() -> acknowledged.size() >= atCut + 30);
    stop.set(true);
    for (Future<?> writer : writers) {
      writer.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    for (Attempt attempt : failed) {
      assertClean(attempt.failure());
    }
    for (User user : acknowledged) {
      assertThat(service.get(user.id())).isEqualTo(user);
    }
    for (Attempt attempt : failed) {
      User retried = service.create(attempt.newUser(), attempt.requestId());
      assertThat(usersWithEmail(attempt.newUser().email())).containsExactly(retried);
    }
    assertThat(BlockingStream.toList(service.stream(UserFilter.all())))
        .hasSize(acknowledged.size() + failed.size());
  }

  @Test
  void aWatchOpenAcrossACutSeesEveryChangeOnceInOrderIncludingThoseMadeWhileItWasDown()
      throws Exception {
    try (BlockingStream<UserEvent> events =
            BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW));
        PostgresUserRepository otherReplica = directReplica()) {
      UserService other = DefaultUserService.of(otherReplica);
      List<User> written = new ArrayList<>();
      written.add(service.create(NewUser.of("Before", "before@example.com")));
      assertThat(next(events)).isEqualTo(new UserEvent(1, UserEvent.Type.CREATED, written.get(0)));

      proxy.refuseNewConnections(true);
      proxy.cut();
      assertThatThrownBy(() -> service.get(written.get(0).id()))
          .isInstanceOfSatisfying(UserException.class, DatabaseFaultsTest::assertClean);
      for (int i = 0; i < 5; i++) {
        written.add(other.create(NewUser.of("During " + i, "during" + i + "@example.com")));
      }
      proxy.refuseNewConnections(false);
      written.add(
          await()
              .atMost(BOUND)
              .ignoreExceptionsInstanceOf(UserException.class)
              .until(() -> service.create(NewUser.of("After", "after@example.com")), u -> true));

      for (int i = 1; i < written.size(); i++) {
        assertThat(next(events))
            .isEqualTo(new UserEvent(i + 1, UserEvent.Type.CREATED, written.get(i)));
      }
      // No duplicate of anything above: the next event is the next write's.
      User last = other.create(NewUser.of("Last", "last@example.com"));
      assertThat(next(events))
          .isEqualTo(new UserEvent(written.size() + 1, UserEvent.Type.CREATED, last));
    }
  }

  @Test
  void aWatchOpenAcrossAStallSeesEveryChangeOnceInOrder() throws Exception {
    try (BlockingStream<UserEvent> events =
            BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW));
        PostgresUserRepository otherReplica = directReplica()) {
      UserService other = DefaultUserService.of(otherReplica);
      List<User> written = new ArrayList<>();
      written.add(service.create(NewUser.of("Before", "before@example.com")));
      assertThat(next(events)).isEqualTo(new UserEvent(1, UserEvent.Type.CREATED, written.get(0)));

      proxy.stall();
      for (int i = 0; i < 5; i++) {
        written.add(other.create(NewUser.of("During " + i, "during" + i + "@example.com")));
      }
      proxy.resume();

      for (int i = 1; i < written.size(); i++) {
        assertThat(next(events))
            .isEqualTo(new UserEvent(i + 1, UserEvent.Type.CREATED, written.get(i)));
      }
      User last = other.create(NewUser.of("Last", "last@example.com"));
      assertThat(next(events))
          .isEqualTo(new UserEvent(written.size() + 1, UserEvent.Type.CREATED, last));
    }
  }

  @Test
  void healthIsNotServingWhileTheDatabaseStallsAndServingOnceItResumes() throws Exception {
    assertThat(service.health()).isEqualTo(HealthStatus.SERVING);

    proxy.stall();
    assertThat(within(BOUND, service::health)).isEqualTo(HealthStatus.NOT_SERVING);
    proxy.resume();

    await().atMost(BOUND).until(service::health, HealthStatus.SERVING::equals);
  }

  @Test
  void healthIsNotServingWhileTheDatabaseRefusesConnectionsAndServingOnceItAcceptsThem()
      throws Exception {
    assertThat(service.health()).isEqualTo(HealthStatus.SERVING);

    // As a database shutting down: its connections closed in order (FIN), new ones refused.
    proxy.refuseNewConnections(true);
    proxy.cutGracefully();
    assertThat(within(BOUND, service::health)).isEqualTo(HealthStatus.NOT_SERVING);
    proxy.refuseNewConnections(false);

    await().atMost(BOUND).until(service::health, HealthStatus.SERVING::equals);
  }

  @Test
  void aSlowNetworkSlowsCallsAndTheFeedButLosesNothing() throws Exception {
    try (BlockingStream<UserEvent> events =
        BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW))) {
      proxy.latency(Duration.ofMillis(20));
      List<User> written = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        written.add(service.create(NewUser.of("Slow " + i, "slow" + i + "@example.com")));
      }
      proxy.latency(Duration.ZERO);

      for (int i = 0; i < written.size(); i++) {
        assertThat(next(events))
            .isEqualTo(new UserEvent(i + 1, UserEvent.Type.CREATED, written.get(i)));
      }
    }
  }

  /** A failed create and what it was asked, to retry it. */
  private record Attempt(NewUser newUser, String requestId, UserException failure) {}

  /** Another replica, connected to the database directly rather than through the proxy. */
  private static PostgresUserRepository directReplica() {
    return PostgresUserRepository.builder().dataSource(db.newDataSource()).migrate(false).build();
  }

  private List<User> usersWithEmail(String email) {
    return BlockingStream.toList(service.stream(UserFilter.builder().email(email).build()));
  }

  private static UserEvent next(BlockingStream<UserEvent> events) {
    assertThat(events.awaitNext(BOUND)).as("an event within " + BOUND).isTrue();
    return events.next();
  }

  private <T> T within(Duration bound, Callable<T> call) throws Exception {
    return callers.submit(call).get(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void assertFailsCleanly(Future<?> call) {
    assertFailsCleanly(call, e -> {});
  }

  private static void assertFailsCleanly(Future<?> call, ThrowingConsumer<UserException> more) {
    assertThatThrownBy(() -> call.get(BOUND.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            UserException.class,
            e -> {
              assertClean(e);
              more.accept(e);
            });
  }

  /** UNAVAILABLE or DEADLINE_EXCEEDED, with a message that says nothing of SQL or the driver. */
  private static void assertClean(UserException e) {
    assertThat(e.code()).isIn(ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED);
    assertThat(e.getMessage())
        .doesNotContainIgnoringCase("SQL")
        .doesNotContainIgnoringCase("postgres")
        .doesNotContainIgnoringCase("hikari")
        .doesNotContain("ERROR:")
        .doesNotContain("Exception");
  }

  private static void lockEventCounter(Connection blocker) throws SQLException {
    blocker.setAutoCommit(false);
    try (Statement statement = blocker.createStatement()) {
      statement.execute("SELECT last_sequence FROM user_event_counter FOR UPDATE");
    }
  }

  private static Optional<Integer> backendWaitingForALock(Connection admin) throws SQLException {
    try (PreparedStatement statement =
            admin.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'");
        ResultSet rows = statement.executeQuery()) {
      return rows.next() ? Optional.of(rows.getInt(1)) : Optional.empty();
    }
  }
}
