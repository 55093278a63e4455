package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import dev.userapi.grpc.GrpcUserClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --jdbc-url}: the same server on an embedded PostgreSQL. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UserServerOnPostgresTest {
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startDatabase() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    postgres.close();
  }

  @Test
  void withAJdbcUrlTheServerSeedsAndServesFromPostgresql() {
    long storedBeforeRestart;
    String url = postgres.getJdbcUrl("postgres", "postgres");
    try (UserServerCommand server =
            UserServerCommand.fromArgs(
                    "--rest-port",
                    "0",
                    "--grpc-port",
                    "0",
                    "--seed",
                    "1200",
                    "--jdbc-url",
                    url,
                    "--jdbc-user",
                    "postgres",
                    "--grace-period",
                    "5s")
                .start();
        GrpcUserClient users = GrpcUserClient.connect(server.grpcTarget())) {
      assertThat(users.health()).isEqualTo(HealthStatus.SERVING);
      assertThat(users.list(UserQuery.firstPage(1)).items().get(0).email())
          .isEqualTo("user1@example.com");

      try (BlockingStream<UserEvent> watch =
          BlockingStream.of(users.watch(UserService.WATCH_FROM_NOW))) {
        User ada = users.create(NewUser.of("Ada", "ada@example.com", 36));
        users.update(ada.id(), UserUpdate.builder().age(37).build(), ada.etag());
        assertThat(watch.hasNext(Duration.ofSeconds(20))).isTrue();
        assertThat(watch.next().user().id()).isEqualTo(ada.id());
      }
      storedBeforeRestart = count(users);
      assertThat(storedBeforeRestart).as("1200 seeded plus Ada").isEqualTo(1201);
    }

    // A restart on the same database finds the seeded users and creates none.
    try (UserServerCommand again =
        UserServerCommand.fromArgs(
                "--rest-port",
                "0",
                "--grpc-port",
                "0",
                "--seed",
                "1200",
                "--jdbc-url",
                url,
                "--jdbc-user",
                "postgres")
            .start()) {
      try (GrpcUserClient users = GrpcUserClient.connect(again.grpcTarget())) {
        assertThat(users.get(users.list(UserQuery.firstPage(1)).items().get(0).id()).name())
            .isEqualTo(Seeder.user(1).name());
        assertThat(count(users)).isEqualTo(storedBeforeRestart);
      }
    }
  }

  private static long count(UserService users) {
    try (BlockingStream<User> all = BlockingStream.of(users.stream(UserFilter.all()))) {
      long n = 0;
      while (all.hasNext()) {
        all.next();
        n++;
      }
      return n;
    }
  }
}
