package dev.userapi.store.jdbc;

import static dev.userapi.store.jdbc.TestUsers.renamed;
import static dev.userapi.store.jdbc.TestUsers.user;
import static dev.userapi.store.jdbc.TestUsers.withEmail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresUserRepositoryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase();

  private PostgresUserRepository repository;

  @BeforeEach
  void openRepository() {
    repository = PostgresUserRepository.builder().dataSource(db.dataSource()).build();
  }

  @AfterEach
  void closeRepository() {
    repository.close();
  }

  @Test
  void insertedUserReadsBackWithEveryField() {
    User ada = user("Ada", "ada@example.com");
    User noAge = user("Bob", "bob@example.com", OptionalInt.empty());

    repository.insert(ada, null);
    repository.insert(noAge, null);

    assertThat(repository.findById(ada.id())).contains(ada);
    assertThat(repository.findById(noAge.id())).contains(noAge);
    assertThat(repository.findById("0190b5a8-0000-7000-8000-000000000000")).isEmpty();
  }

  @Test
  void insertRejectsAnEmailTakenInAnotherCase() {
    repository.insert(user("Ada", "Ada@example.com"), null);

    assertThatThrownBy(() -> repository.insert(user("Imposter", "ADA@EXAMPLE.COM"), null))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(repository.scan(UserFilter.all(), null, 10)).hasSize(1);
  }

  @Test
  void insertWithAKnownRequestIdReturnsTheFirstUserAndWritesNothing() throws Exception {
    User first = repository.insert(user("Ada", "ada@example.com"), "req-1");

    User retry = repository.insert(user("Ada again", "other@example.com"), "req-1");

    assertThat(retry).isEqualTo(first);
    assertThat(repository.scan(UserFilter.all(), null, 10)).containsExactly(first);
    assertThat(storedEvents()).hasSize(1);
  }

  @Test
  void concurrentInsertsWithOneRequestIdCreateOneUser() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<User>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int n = i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return repository.insert(
                      user("Ada " + n, "ada" + n + "@example.com"), "same-request");
                }));
      }
      start.countDown();
      List<User> users = new ArrayList<>();
      for (Future<User> result : results) {
        users.add(result.get(30, TimeUnit.SECONDS));
      }
      assertThat(users).containsOnly(users.get(0));
      assertThat(repository.scan(UserFilter.all(), null, 100)).containsExactly(users.get(0));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void updateIsACompareAndSetOnTheVersion() {
    User ada = repository.insert(user("Ada", "ada@example.com"), null);
    User v2 = repository.update(renamed(ada, "Ada L."), 1);

    assertThat(repository.findById(ada.id())).contains(v2);
    assertThatThrownBy(() -> repository.update(renamed(ada, "Lost update"), 1))
        .isInstanceOfSatisfying(
            UserException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    assertThat(repository.findById(ada.id())).contains(v2);
  }

  @Test
  void updateOfAMissingUserFailsWithNotFound() {
    User ghost = user("Ghost", "ghost@example.com");

    assertThatThrownBy(() -> repository.update(renamed(ghost, "Boo"), 1))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void updateToAnEmailOfAnotherUserFailsWithAlreadyExists() {
    repository.insert(user("Ada", "ada@example.com"), null);
    User bob = repository.insert(user("Bob", "bob@example.com"), null);

    assertThatThrownBy(() -> repository.update(withEmail(bob, "ADA@example.com"), 1))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(repository.findById(bob.id())).contains(bob);
  }

  @Test
  void updateMayChangeTheCaseOfTheUsersOwnEmail() {
    User ada = repository.insert(user("Ada", "ada@example.com"), null);

    User updated = repository.update(withEmail(ada, "ADA@example.com"), 1);

    assertThat(repository.findById(ada.id())).contains(updated);
  }

  @Test
  void deleteHonoursTheExpectedVersionAndReturnsTheDeletedUser() {
    User ada = repository.insert(user("Ada", "ada@example.com"), null);

    assertThatThrownBy(() -> repository.delete(ada.id(), OptionalLong.of(7)))
        .isInstanceOfSatisfying(
            UserException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    assertThat(repository.delete(ada.id(), OptionalLong.of(1))).contains(ada);
    assertThat(repository.findById(ada.id())).isEmpty();
    assertThat(repository.delete(ada.id(), OptionalLong.empty())).isEmpty();
    assertThat(repository.delete(ada.id(), OptionalLong.of(1))).isEmpty();
  }

  @Test
  void deletedEmailCanBeTakenAgain() {
    User ada = repository.insert(user("Ada", "ada@example.com"), null);
    repository.delete(ada.id(), OptionalLong.empty());

    User again = repository.insert(user("Ada", "ADA@example.com"), null);

    assertThat(repository.findById(again.id())).contains(again);
  }

  @Test
  void scanPagesInIdOrderAfterTheGivenId() {
    List<User> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(repository.insert(user("User " + i, "u" + i + "@example.com"), null));
    }

    List<User> first = repository.scan(UserFilter.all(), null, 3);
    List<User> second = repository.scan(UserFilter.all(), first.get(2).id(), 3);
    List<User> third = repository.scan(UserFilter.all(), second.get(2).id(), 3);

    assertThat(first).containsExactlyElementsOf(created.subList(0, 3));
    assertThat(second).containsExactlyElementsOf(created.subList(3, 6));
    assertThat(third).containsExactlyElementsOf(created.subList(6, 7));
  }

  @Test
  void scanAppliesEveryFilterCriterionLikeTheInMemoryStore() {
    List<User> created =
        List.of(
            user("Ada", "ada@example.com", OptionalInt.of(36)),
            user("Adam", "adam@example.com", OptionalInt.of(20)),
            user("Bob", "bob@example.com", OptionalInt.empty()),
            user("adele", "adele@example.com", OptionalInt.of(50)));
    created.forEach(u -> repository.insert(u, null));
    List<UserFilter> filters =
        List.of(
            UserFilter.builder().email("ADA@Example.com").build(),
            UserFilter.builder().namePrefix("Ad").build(),
            UserFilter.builder().minAge(30).build(),
            UserFilter.builder().maxAge(40).build(),
            UserFilter.builder().namePrefix("Ad").minAge(21).maxAge(40).build(),
            UserFilter.builder().namePrefix("%").build());

    for (UserFilter filter : filters) {
      assertThat(repository.scan(filter, null, 100))
          .as(filter.canonical())
          .containsExactlyElementsOf(created.stream().filter(filter::matches).toList());
    }
  }

  @Test
  void insertAllKeepsGoodItemsAndReportsTakenEmailsPerItem() throws Exception {
    repository.insert(user("Existing", "taken@example.com"), null);
    List<User> batch =
        List.of(
            user("A", "a@example.com"),
            user("Taken", "TAKEN@example.com"),
            user("B", "b@example.com"),
            user("A twin", "A@EXAMPLE.COM"));

    List<CreateResult> results = repository.insertAll(batch);

    assertThat(results).extracting(CreateResult::index).containsExactly(0, 1, 2, 3);
    assertThat(results)
        .extracting(CreateResult::succeeded)
        .containsExactly(true, false, true, false);
    assertThat(results.get(1).error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(results.get(3).error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(repository.scan(UserFilter.all(), null, 10)).hasSize(3);
    List<UserEvent> events = storedEvents();
    assertThat(events).extracting(UserEvent::sequence).containsExactly(1L, 2L, 3L);
    assertThat(events)
        .extracting(e -> e.user().email())
        .containsExactly("taken@example.com", "a@example.com", "b@example.com");
  }

  @Test
  void insertAllReportsPerItemResultsWhenTheDriverRewritesBatches() {
    DataSource rewriting =
        db.newDataSource(config -> config.addDataSourceProperty("reWriteBatchedInserts", "true"));
    try (PostgresUserRepository other =
        PostgresUserRepository.builder().dataSource(rewriting).migrate(false).build()) {
      other.insert(user("Existing", "taken@example.com"), null);
      List<User> batch =
          List.of(
              user("A", "a@example.com"),
              user("Taken", "Taken@example.com"),
              user("B", "b@example.com"),
              user("A twin", "A@example.com"),
              user("C", "c@example.com"));

      List<CreateResult> results = other.insertAll(batch);

      assertThat(results)
          .extracting(CreateResult::succeeded)
          .containsExactly(true, false, true, false, true);
      assertThat(other.scan(UserFilter.all(), null, 10)).hasSize(4);
    }
  }

  @Test
  void changesReplayHistoryThenFollowLiveWritesInOrder() {
    User ada = repository.insert(user("Ada", "ada@example.com"), null);
    User v2 = repository.update(renamed(ada, "Ada L."), 1);

    try (BlockingStream<UserEvent> events = BlockingStream.of(repository.changes(0))) {
      assertThat(next(events)).isEqualTo(new UserEvent(1, UserEvent.Type.CREATED, ada));
      assertThat(next(events)).isEqualTo(new UserEvent(2, UserEvent.Type.UPDATED, v2));
      repository.delete(ada.id(), OptionalLong.empty());
      assertThat(next(events)).isEqualTo(new UserEvent(3, UserEvent.Type.DELETED, v2));
    }
  }

  @Test
  void changesFromNowSkipHistory() {
    repository.insert(user("Ada", "ada@example.com"), null);

    try (BlockingStream<UserEvent> events = BlockingStream.of(repository.changes(-1))) {
      User bob = repository.insert(user("Bob", "bob@example.com"), null);
      assertThat(next(events)).isEqualTo(new UserEvent(2, UserEvent.Type.CREATED, bob));
    }
  }

  @Test
  void changesResumeAfterTheLastSequenceSeen() {
    for (int i = 0; i < 5; i++) {
      repository.insert(user("U" + i, "u" + i + "@example.com"), null);
    }

    try (BlockingStream<UserEvent> events = BlockingStream.of(repository.changes(3))) {
      assertThat(next(events).sequence()).isEqualTo(4);
      assertThat(next(events).sequence()).isEqualTo(5);
    }
  }

  @Test
  void changesAheadOfTheNewestEventFailWithInvalidArgument() {
    repository.insert(user("Ada", "ada@example.com"), null);

    assertThatThrownBy(() -> BlockingStream.toList(repository.changes(5)))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void changesOlderThanTheRetainedEventsFailWithInvalidArgument() {
    try (PostgresUserRepository small =
        PostgresUserRepository.builder().dataSource(db.dataSource()).eventRetention(5).build()) {
      for (int i = 0; i < 10; i++) {
        small.insert(user("U" + i, "u" + i + "@example.com"), null);
      }

      assertThatThrownBy(() -> BlockingStream.toList(small.changes(0)))
          .isInstanceOfSatisfying(
              UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
      try (BlockingStream<UserEvent> events = BlockingStream.of(small.changes(5))) {
        assertThat(next(events).sequence()).isEqualTo(6);
      }
    }
  }

  @Test
  void closingTheRepositoryEndsItsWatchesWithUnavailable() {
    PostgresUserRepository other =
        PostgresUserRepository.builder().dataSource(db.dataSource()).migrate(false).build();
    BlockingStream<UserEvent> events = BlockingStream.of(other.changes(-1));

    other.close();

    assertThatThrownBy(() -> events.hasNext(WAIT))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(other.health()).isEqualTo(HealthStatus.NOT_SERVING);
  }

  @Test
  void closingTheRepositoryStopsListeningOnItsConnection() throws Exception {
    PostgresUserRepository other =
        PostgresUserRepository.builder().dataSource(db.dataSource()).migrate(false).build();
    BlockingStream<UserEvent> events = BlockingStream.of(other.changes(-1));
    try (Connection admin = db.connect()) {
      await().atMost(WAIT).until(() -> listeners(admin) == 1);

      other.close();

      assertThat(listeners(admin)).isZero();
    } finally {
      events.close();
    }
  }

  /** Sessions of this database whose last statement was a LISTEN (pooled ones included). */
  private static int listeners(Connection admin) throws Exception {
    try (Statement statement = admin.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND query LIKE 'LISTEN %'")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void healthIsServingWhileTheDatabaseAnswers() {
    assertThat(repository.health()).isEqualTo(HealthStatus.SERVING);
  }

  @Test
  void migratingTwiceAppliesEachVersionOnce() throws Exception {
    PostgresUserRepository.builder().dataSource(db.dataSource()).migrate(true).build().close();

    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version, description FROM userapi_schema_version ORDER BY version")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(1);
      assertThat(rows.getString(2)).isEqualTo("users");
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(2);
      assertThat(rows.getString(2)).isEqualTo("page_token_secret");
      assertThat(rows.next()).isFalse();
    }
  }

  @Test
  void thePageTokenSecretIsTheRowInTheDatabaseAndKeptAfterTheFirstRead() throws Exception {
    byte[] secret = repository.pageTokenSecret().orElseThrow();
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("UPDATE page_token_secret SET secret = decode(repeat('ab', 32), 'hex')");
    }

    assertThat(repository.pageTokenSecret())
        .hasValueSatisfying(s -> assertThat(s).isEqualTo(secret));
    try (PostgresUserRepository another =
        PostgresUserRepository.builder().dataSource(db.dataSource()).migrate(false).build()) {
      assertThat(another.pageTokenSecret().orElseThrow()).containsOnly((byte) 0xab).hasSize(32);
    }
  }

  /** Every event stored so far, in order, read from the table. */
  private static List<UserEvent> storedEvents() throws Exception {
    List<UserEvent> events = new ArrayList<>();
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT sequence, type, user_id, name, email, age, create_time, update_time, version"
                    + " FROM user_events ORDER BY sequence")) {
      while (rows.next()) {
        events.add(dev.userapi.store.jdbc.internal.UserRows.readEvent(rows));
      }
    }
    return events;
  }

  static UserEvent next(BlockingStream<UserEvent> events) {
    assertThat(events.hasNext(WAIT)).as("an event within " + WAIT).isTrue();
    return events.next();
  }
}
