package dev.userapi.store.jdbc;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;
import dev.userapi.testkit.UserServiceContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The service contract on {@code DefaultUserService} over PostgreSQL. */
class PostgresUserServiceContractTest extends UserServiceContract {
  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase();

  @Override
  protected UserService newService() {
    return DefaultUserService.of(
        PostgresUserRepository.builder().dataSource(db.dataSource()).migrate(false).build());
  }

  @Override
  protected void closeService(UserService service) {
    ((DefaultUserService) service).repository().close();
  }
}
