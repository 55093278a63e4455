package dev.userapi.store.jdbc;

import dev.userapi.core.UserRepository;
import dev.userapi.testkit.UserRepositoryContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The repository contract on PostgreSQL. */
class PostgresUserRepositoryContractTest extends UserRepositoryContract {
  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase();

  @Override
  protected UserRepository newRepository() {
    return PostgresUserRepository.builder().dataSource(db.dataSource()).migrate(false).build();
  }
}
