package dev.userapi.store.jdbc;

import static dev.userapi.store.jdbc.PostgresUserRepositoryTest.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two service replicas, each with its own pool and repository, on one database, configured as an
 * operator would who read only the README: {@code DefaultUserService.of(repository)}.
 */
class TwoReplicasTest {
  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase();

  private PostgresUserRepository repositoryA;
  private PostgresUserRepository repositoryB;
  private UserService a;
  private UserService b;

  @BeforeEach
  void startReplicas() {
    repositoryA = PostgresUserRepository.builder().dataSource(db.newDataSource()).build();
    repositoryB = PostgresUserRepository.builder().dataSource(db.newDataSource()).build();
    a = DefaultUserService.of(repositoryA);
    b = DefaultUserService.of(repositoryB);
  }

  @AfterEach
  void stopReplicas() {
    repositoryA.close();
    repositoryB.close();
  }

  @Test
  void concurrentCreatesOfOneEmailAcrossReplicasLetExactlyOneWin() throws Exception {
    int rounds = 10;
    int writersPerRound = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writersPerRound);
    try {
      for (int round = 0; round < rounds; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ErrorCode>> outcomes = new ArrayList<>();
        for (int w = 0; w < writersPerRound; w++) {
          UserService replica = w % 2 == 0 ? a : b;
          String email = (w % 2 == 0 ? "same" : "SAME") + round + "@example.com";
          String name = "Writer " + w;
          outcomes.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      replica.create(NewUser.of(name, email));
                      return null;
                    } catch (UserException e) {
                      return e.code();
                    }
                  }));
        }
        start.countDown();
        List<ErrorCode> codes = new ArrayList<>();
        for (Future<ErrorCode> outcome : outcomes) {
          codes.add(outcome.get(30, TimeUnit.SECONDS));
        }
        assertThat(codes).as("round " + round).containsOnlyOnce((ErrorCode) null);
        assertThat(codes.stream().filter(c -> c != null))
            .as("round " + round)
            .hasSize(writersPerRound - 1)
            .containsOnly(ErrorCode.ALREADY_EXISTS);
      }
      assertThat(BlockingStream.toList(a.stream(UserFilter.all()))).hasSize(rounds);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void watchOnOneReplicaSeesWritesMadeThroughTheOther() {
    try (BlockingStream<UserEvent> events =
        BlockingStream.of(a.watch(UserService.WATCH_FROM_NOW))) {
      User ada = b.create(NewUser.of("Ada", "ada@example.com"));
      User renamed = b.update(ada.id(), UserUpdate.builder().name("Ada L.").build(), null);
      b.delete(ada.id(), null);

      assertThat(next(events)).isEqualTo(new UserEvent(1, UserEvent.Type.CREATED, ada));
      assertThat(next(events)).isEqualTo(new UserEvent(2, UserEvent.Type.UPDATED, renamed));
      assertThat(next(events)).isEqualTo(new UserEvent(3, UserEvent.Type.DELETED, renamed));
    }
  }

  @Test
  void watchesOnBothReplicasSeeOneFeedInOneOrder() {
    try (BlockingStream<UserEvent> onA = BlockingStream.of(a.watch(UserService.WATCH_FROM_NOW));
        BlockingStream<UserEvent> onB = BlockingStream.of(b.watch(UserService.WATCH_FROM_NOW))) {
      for (int i = 0; i < 10; i++) {
        (i % 2 == 0 ? a : b).create(NewUser.of("U" + i, "u" + i + "@example.com"));
      }
      for (int i = 0; i < 10; i++) {
        assertThat(next(onB)).isEqualTo(next(onA));
      }
    }
  }

  @Test
  void pagingAlternatingBetweenReplicasSeesEveryUserOnceInOrder() {
    List<User> existing = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      existing.add((i % 2 == 0 ? a : b).create(NewUser.of("U" + i, "u" + i + "@example.com")));
    }
    existing.sort((x, y) -> x.id().compareTo(y.id()));

    List<User> seen = new ArrayList<>();
    UserQuery query = UserQuery.firstPage(4);
    int page = 0;
    while (true) {
      Page<User> result = (page % 2 == 0 ? a : b).list(query);
      seen.addAll(result.items());
      // Writes between page reads must not shift or repeat what the next page returns.
      (page % 2 == 0 ? b : a).create(NewUser.of("Late " + page, "late" + page + "@example.com"));
      if (result.nextPageToken().isEmpty()) {
        break;
      }
      query = query.withPageToken(result.nextPageToken());
      page++;
    }

    assertThat(seen).extracting(User::id).doesNotHaveDuplicates().isSorted();
    assertThat(seen).containsAll(existing);
  }

  @Test
  void aPageTokenFromOneReplicaIsAcceptedByTheOther() {
    createUsers(5);

    Page<User> first = a.list(UserQuery.firstPage(2));
    Page<User> second = b.list(UserQuery.firstPage(2).withPageToken(first.nextPageToken()));
    Page<User> third = a.list(UserQuery.firstPage(2).withPageToken(second.nextPageToken()));

    assertThat(concat(first, second, third))
        .extracting(User::id)
        .containsExactlyElementsOf(ids(a.list(UserQuery.firstPage(10))));
    assertThat(third.nextPageToken()).isEmpty();
  }

  @Test
  void aReplicaBuiltAnewOnTheSameDatabaseAcceptsATokenIssuedBeforeItsRestart() {
    createUsers(5);
    Page<User> first = a.list(UserQuery.firstPage(2));
    repositoryA.close();

    PostgresUserRepository restarted =
        PostgresUserRepository.builder().dataSource(db.newDataSource()).build();
    try {
      Page<User> rest =
          DefaultUserService.of(restarted)
              .list(UserQuery.firstPage(10).withPageToken(first.nextPageToken()));

      assertThat(concat(first, rest))
          .extracting(User::id)
          .containsExactlyElementsOf(ids(b.list(UserQuery.firstPage(10))));
    } finally {
      restarted.close();
    }
  }

  @Test
  void anExplicitSecretWinsOverTheDatabasesAndReplicasWithAnotherRefuseItsTokens() {
    createUsers(5);
    byte[] explicit = "an operator's own page-token key".getBytes(StandardCharsets.UTF_8);
    UserService explicitA =
        DefaultUserService.builder().repository(repositoryA).pageTokenSecret(explicit).build();
    UserService explicitB =
        DefaultUserService.builder().repository(repositoryB).pageTokenSecret(explicit).build();
    String token = explicitA.list(UserQuery.firstPage(2)).nextPageToken();

    assertThat(explicitB.list(UserQuery.firstPage(2).withPageToken(token)).items()).hasSize(2);
    assertInvalidPageToken(() -> b.list(UserQuery.firstPage(2).withPageToken(token)));
    String databaseToken = b.list(UserQuery.firstPage(2)).nextPageToken();
    assertInvalidPageToken(
        () -> explicitA.list(UserQuery.firstPage(2).withPageToken(databaseToken)));
  }

  @Test
  void replicasRacingToCreateTheSecretAllGetTheOneThatWasStored() throws Exception {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM page_token_secret");
    }
    int replicas = 6;
    List<PostgresUserRepository> repositories = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<byte[]>> secrets = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        PostgresUserRepository repository =
            PostgresUserRepository.builder().dataSource(db.newDataSource()).build();
        repositories.add(repository);
        secrets.add(
            pool.submit(
                () -> {
                  start.await();
                  return repository.pageTokenSecret().orElseThrow();
                }));
      }
      start.countDown();
      byte[] stored = storedSecret();
      for (Future<byte[]> secret : secrets) {
        assertThat(secret.get(30, TimeUnit.SECONDS)).isEqualTo(stored);
      }
    } finally {
      pool.shutdownNow();
      repositories.forEach(PostgresUserRepository::close);
    }
  }

  private void createUsers(int count) {
    for (int i = 0; i < count; i++) {
      (i % 2 == 0 ? a : b).create(NewUser.of("U" + i, "u" + i + "@example.com"));
    }
  }

  @SafeVarargs
  private static List<User> concat(Page<User>... pages) {
    List<User> users = new ArrayList<>();
    for (Page<User> page : pages) {
      users.addAll(page.items());
    }
    return users;
  }

  private static List<String> ids(Page<User> page) {
    return page.items().stream().map(User::id).toList();
  }

  private static byte[] storedSecret() throws SQLException {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT secret FROM page_token_secret")) {
      assertThat(rows.next()).as("a page_token_secret row").isTrue();
      byte[] secret = rows.getBytes(1);
      assertThat(rows.next()).as("a second page_token_secret row").isFalse();
      return secret;
    }
  }

  private static void assertInvalidPageToken(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            UserException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.violations())
                  .extracting(FieldViolation::field)
                  .containsExactly("pageToken");
            });
  }
}
