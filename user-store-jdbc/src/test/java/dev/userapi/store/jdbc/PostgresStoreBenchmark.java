package dev.userapi.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.userapi.core.CreateResult;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark command (not a test): single creates, batched bulk creates and keyset page reads
 * against embedded PostgreSQL, through {@link PostgresUserRepository} on a HikariCP pool.
 *
 * <pre>
 * mvn -B -q -pl user-store-jdbc -am test-compile exec:java \
 *   -Dexec.mainClass=dev.userapi.store.jdbc.PostgresStoreBenchmark -Dexec.classpathScope=test
 * </pre>
 *
 * Optional system properties: {@code users} (default 20000), {@code batch} (default 1000), {@code
 * reWriteBatchedInserts} (default true).
 */
public final class PostgresStoreBenchmark {
  private PostgresStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int users = Integer.getInteger("users", 20_000);
    int batchSize = Integer.getInteger("batch", 1_000);
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
      config.setUsername("postgres");
      config.setMaximumPoolSize(4);
      // pgjdbc folds a batch of INSERTs into multi-row INSERTs: the setting to use in production.
      config.addDataSourceProperty(
          "reWriteBatchedInserts", System.getProperty("reWriteBatchedInserts", "true"));
      try (HikariDataSource pool = new HikariDataSource(config);
          PostgresUserRepository repository =
              PostgresUserRepository.builder().dataSource(pool).build()) {
        int warmup = 500;
        for (int i = 0; i < warmup; i++) {
          repository.insert(TestUsers.user("Warm " + i, "warm" + i + "@example.com"), null);
        }

        int singles = Math.min(users, 5_000);
        long start = System.nanoTime();
        for (int i = 0; i < singles; i++) {
          repository.insert(TestUsers.user("Single " + i, "single" + i + "@example.com"), null);
        }
        report("single create (1 thread)", singles, System.nanoTime() - start);

        int created = 0;
        start = System.nanoTime();
        for (int b = 0; b < users; b += batchSize) {
          List<User> batch = new ArrayList<>(batchSize);
          for (int i = b; i < Math.min(users, b + batchSize); i++) {
            batch.add(TestUsers.user("Bulk " + i, "bulk" + i + "@example.com"));
          }
          created +=
              (int) repository.insertAll(batch).stream().filter(CreateResult::succeeded).count();
        }
        report(
            "bulk create (batches of " + batchSize + ", 1 thread)",
            created,
            System.nanoTime() - start);

        int pageSize = 100;
        int pages = 0;
        int rows = 0;
        start = System.nanoTime();
        String after = null;
        while (true) {
          List<User> page = repository.scan(UserFilter.all(), after, pageSize);
          pages++;
          rows += page.size();
          if (page.size() < pageSize) {
            break;
          }
          after = page.get(page.size() - 1).id();
        }
        long elapsed = System.nanoTime() - start;
        report("keyset page read (" + pageSize + " users/page)", pages, elapsed);
        report("  = users read", rows, elapsed);
      }
    }
  }

  private static void report(String what, int count, long nanos) {
    double seconds = nanos / 1e9;
    System.out.printf(
        Locale.ROOT, "%-45s %8d in %6.2f s = %10.0f /s%n", what, count, seconds, count / seconds);
  }
}
