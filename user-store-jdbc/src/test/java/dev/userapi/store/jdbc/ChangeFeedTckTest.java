package dev.userapi.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Reactive Streams TCK (run by the TestNG engine) for the watch publisher of {@code
 * internal.ChangeFeed}, through {@link PostgresUserRepository#changes}, on a real embedded
 * PostgreSQL. Each publisher watches from just before {@code elements} (at most {@value #EVENTS})
 * users written for it, so it finds that many events and then waits for more.
 *
 * <p>{@link PostgresDatabase} is a JUnit 5 extension; TestNG runs this class, so it starts and
 * stops its own embedded server.
 *
 * <p>Skipped by the TCK itself: its {@code untested_*} placeholders (rules it has no test for) and
 * {@code optional_spec309_...WithSpecificMessage}, which wants the rule number in the {@code
 * IllegalArgumentException}'s message; ours says {@code "request: 0 (expected: > 0)"}.
 */
public class ChangeFeedTckTest extends FlowPublisherVerification<UserEvent> {
  /**
   * Events written per publisher: more than any case that needs elements waits for (rule 3.17's
   * overflow case asks for {@code Integer.MAX_VALUE} and cancels after eleven).
   */
  private static final int EVENTS = 32;

  private final AtomicLong written = new AtomicLong();
  private EmbeddedPostgres postgres;
  private HikariDataSource dataSource;
  private PostgresUserRepository repository;

  public ChangeFeedTckTest() {
    // Each read is a database round trip on a shared, loaded build machine: generous timeouts.
    super(new TestEnvironment(5_000, 200), 5_000);
  }

  @BeforeClass
  public void startDatabase() throws IOException {
    postgres =
        EmbeddedPostgres.builder()
            .setServerConfig("fsync", "off")
            .setServerConfig("full_page_writes", "off")
            .start();
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.getPostgresDatabase());
    config.setMaximumPoolSize(8);
    dataSource = new HikariDataSource(config);
    repository = PostgresUserRepository.builder().dataSource(dataSource).migrate(true).build();
  }

  @AfterClass(alwaysRun = true)
  public void stopDatabase() throws IOException {
    if (repository != null) {
      repository.close();
    }
    if (dataSource != null) {
      dataSource.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  public synchronized Flow.Publisher<UserEvent> createFlowPublisher(long elements) {
    // A watch never ends, so "elements" only bounds what is there to read; see EVENTS.
    int count = (int) Math.min(elements, EVENTS);
    long after = written.get();
    List<User> users = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long n = after + i + 1;
      users.add(TestUsers.user("User " + n, "u" + n + "@example.com"));
    }
    repository.insertAll(users);
    written.addAndGet(count);
    return repository.changes(after);
  }

  @Override
  public Flow.Publisher<UserEvent> createFailedFlowPublisher() {
    // Ahead of the newest event: rejected with INVALID_ARGUMENT right after onSubscribe.
    return repository.changes(written.get() + 5);
  }

  /**
   * A watch never completes (see ChangeFeed's javadoc): this tells the TCK so, and it skips the
   * cases that need onComplete: the exact-count checks (createPublisher1/3), rules 1.2, 1.5 and
   * 1.7, the sequential-signals stochastic case of 1.3, the two pending-demand cases of 3.17 (its
   * overflow case runs), and the optional empty-stream (1.5) and multicast (1.11) cases.
   */
  @Override
  public long maxElementsFromPublisher() {
    return publisherUnableToSignalOnComplete();
  }
}
