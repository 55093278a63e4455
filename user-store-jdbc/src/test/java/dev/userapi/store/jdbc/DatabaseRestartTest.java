package dev.userapi.store.jdbc;

import static dev.userapi.store.jdbc.PostgresUserRepositoryTest.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
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
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stops and starts a PostgreSQL of its own on the same data directory and port, under a running
 * repository: nothing written is lost and the repository and its watches carry on without a restart
 * of their own.
 */
class DatabaseRestartTest {
  @TempDir Path dataDirectory;

  @Test
  void dataAndWatchesSurviveADatabaseRestart() throws Exception {
    int port = freePort();
    EmbeddedPostgres postgres = start(port);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    config.setUsername("postgres");
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(1_000);
    try (HikariDataSource pool = new HikariDataSource(config);
        PostgresUserRepository repository =
            PostgresUserRepository.builder().dataSource(pool).build()) {
      UserService service = DefaultUserService.of(repository);
      List<NewUser> batch = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        batch.add(NewUser.of("User " + i, "user" + i + "@example.com", 20 + i));
      }
      assertThat(service.createAll(batch)).allMatch(CreateResult::succeeded);
      User first = service.list(UserQuery.firstPage(1)).items().get(0);
      service.update(first.id(), UserUpdate.builder().name("Renamed").build(), null);
      List<User> before = BlockingStream.toList(service.stream(UserFilter.all()));
      BlockingStream<UserEvent> events = BlockingStream.of(service.watch(51));

      postgres.close();
      assertThatThrownBy(() -> service.get(first.id()))
          .isInstanceOfSatisfying(
              UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
      assertThat(service.health()).isEqualTo(HealthStatus.NOT_SERVING);
      postgres = start(port);

      // The pool needs a moment to replace its dead connections (longer on a loaded machine);
      // health says when, as it tells a load balancer. No restart of the repository is needed.
      await().atMost(Duration.ofSeconds(30)).until(() -> service.health() == HealthStatus.SERVING);
      assertThat(BlockingStream.toList(service.stream(UserFilter.all())))
          .containsExactlyElementsOf(before);
      User late = service.create(NewUser.of("Late", "late@example.com"));
      assertThat(next(events)).isEqualTo(new UserEvent(52, UserEvent.Type.CREATED, late));
      events.close();
    } finally {
      postgres.close();
    }
  }

  private EmbeddedPostgres start(int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
