package dev.userapi.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserService;
import dev.userapi.store.jdbc.internal.ChangeFeed;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many watchers on one PostgreSQL store: each sees every change, while the change feed holds only a
 * few pooled connections at once (the listener's and {@link ChangeFeed#CONCURRENT_READS} readers'),
 * leaving the rest of the pool to requests.
 */
class ManyWatchersTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase();

  @Test
  void manyWatchersSeeEveryChangeThroughAFewConnections() {
    AtomicInteger feedConnections = new AtomicInteger();
    AtomicInteger mostFeedConnections = new AtomicInteger();
    DataSource pool = db.newDataSource(config -> config.setMaximumPoolSize(10));
    PostgresUserRepository repository =
        PostgresUserRepository.builder()
            .dataSource(countingFeedConnections(pool, feedConnections, mostFeedConnections))
            .build();
    UserService users = DefaultUserService.of(repository);
    int watchers = 40;
    int writes = 30;
    List<BlockingStream<UserEvent>> streams = new ArrayList<>();
    try {
      for (int i = 0; i < watchers; i++) {
        streams.add(BlockingStream.of(users.watch(UserService.WATCH_FROM_NOW)));
      }
      for (int i = 0; i < writes; i++) {
        users.create(NewUser.of("Writer " + i, "w" + i + "@many.example.com"));
      }

      for (BlockingStream<UserEvent> stream : streams) {
        for (int i = 0; i < writes; i++) {
          assertThat(stream.hasNext(WAIT)).isTrue();
          assertThat(stream.next().user().email()).isEqualTo("w" + i + "@many.example.com");
        }
      }
      assertThat(mostFeedConnections.get())
          .as("connections the change feed held at once")
          .isGreaterThan(0)
          .isLessThanOrEqualTo(ChangeFeed.CONCURRENT_READS + 1);
    } finally {
      streams.forEach(BlockingStream::close);
      repository.close();
    }
  }

  /** {@code pool}, counting the connections that the change feed's threads hold at once. */
  private static DataSource countingFeedConnections(
      DataSource pool, AtomicInteger open, AtomicInteger most) {
    return (DataSource)
        Proxy.newProxyInstance(
            ManyWatchersTest.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = call(method, pool, args);
              if (!method.getName().equals("getConnection")
                  || !Thread.currentThread().getName().startsWith("userapi-pg-change-feed")) {
                return result;
              }
              most.accumulateAndGet(open.incrementAndGet(), Math::max);
              Connection connection = (Connection) result;
              AtomicBoolean closed = new AtomicBoolean();
              return Proxy.newProxyInstance(
                  ManyWatchersTest.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (c, m, a) -> {
                    if (m.getName().equals("close") && closed.compareAndSet(false, true)) {
                      open.decrementAndGet();
                    }
                    return call(m, connection, a);
                  });
            });
  }

  private static Object call(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
