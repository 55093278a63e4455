package dev.userapi.store.jdbc;

import static dev.userapi.store.jdbc.PostgresUserRepositoryTest.next;
import static dev.userapi.store.jdbc.TestUsers.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Backends terminated under the store with {@code pg_terminate_backend}. */
class ConnectionFailureTest {
  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase();

  private PostgresUserRepository repository;

  @BeforeEach
  void openRepository() {
    repository = PostgresUserRepository.builder().dataSource(db.newDataSource()).build();
  }

  @AfterEach
  void closeRepository() {
    repository.close();
  }

  @Test
  void terminatingTheBackendOfAnInFlightCreateFailsCleanlyAndWritesNothing() throws Exception {
    User ada = user("Ada", "ada@example.com");
    CompletableFuture<User> create;
    try (Connection blocker = db.connect();
        Connection admin = db.connect()) {
      // Hold the event-counter row so the create stops mid-transaction, after its user INSERT.
      blocker.setAutoCommit(false);
      try (Statement statement = blocker.createStatement()) {
        statement.execute("SELECT last_sequence FROM user_event_counter FOR UPDATE");
      }
      create = CompletableFuture.supplyAsync(() -> repository.insert(ada, null));
      int backend =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> backendWaitingFor(admin, "user_event_counter"), Optional::isPresent)
              .orElseThrow();

      terminate(admin, backend);

      assertThatThrownBy(() -> create.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              UserException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.getMessage())
                    .contains("database is unavailable")
                    .contains("nothing was written");
              });
      blocker.rollback();
    }

    assertThat(repository.findById(ada.id())).isEmpty();
    assertThat(repository.scan(UserFilter.all(), null, 10)).isEmpty();
    User again = repository.insert(user("Ada", "ada@example.com"), null);
    assertThat(repository.findById(again.id())).contains(again);
    try (BlockingStream<UserEvent> events = BlockingStream.of(repository.changes(0))) {
      assertThat(next(events)).isEqualTo(new UserEvent(1, UserEvent.Type.CREATED, again));
    }
  }

  @Test
  void watchSurvivesTheTerminationOfItsListenConnection() throws Exception {
    try (PostgresUserRepository other =
            PostgresUserRepository.builder().dataSource(db.newDataSource()).migrate(false).build();
        BlockingStream<UserEvent> events = BlockingStream.of(repository.changes(-1));
        Connection admin = db.connect()) {
      int listener =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> listenBackend(admin), Optional::isPresent)
              .orElseThrow();

      terminate(admin, listener);
      int newListener =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> listenBackend(admin), p -> p.isPresent() && p.get() != listener)
              .orElseThrow();
      User ada = other.insert(user("Ada", "ada@example.com"), null);

      assertThat(newListener).isNotEqualTo(listener);
      assertThat(next(events)).isEqualTo(new UserEvent(1, UserEvent.Type.CREATED, ada));
    }
  }

  private static Optional<Integer> backendWaitingFor(Connection admin, String table)
      throws SQLException {
    try (PreparedStatement statement =
        admin.prepareStatement(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                + " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE ?")) {
      statement.setString(1, "%" + table + "%");
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getInt(1)) : Optional.empty();
      }
    }
  }

  private static Optional<Integer> listenBackend(Connection admin) throws SQLException {
    try (Statement statement = admin.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND query LIKE 'LISTEN %'")) {
      return rows.next() ? Optional.of(rows.getInt(1)) : Optional.empty();
    }
  }

  private static void terminate(Connection admin, int backend) throws SQLException {
    try (PreparedStatement statement = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
      statement.setInt(1, backend);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next() && rows.getBoolean(1)).as("terminated backend " + backend).isTrue();
      }
    }
  }
}
