package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserService;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeederTest {

  @Test
  void seedingCreatesDeterministicUsersInBatches() {
    UserService users = DefaultUserService.inMemory();

    Seeder.Result result = Seeder.seed(users, 2500);

    assertThat(result).isEqualTo(new Seeder.Result(2500, 0));
    List<User> all = BlockingStream.toList(users.stream(UserFilter.all()));
    assertThat(all).hasSize(2500);
    assertThat(all.get(0).email()).isEqualTo("user1@example.com");
    assertThat(all.get(0).name()).isEqualTo(Seeder.user(1).name());
    assertThat(Seeder.user(1)).isEqualTo(Seeder.user(1));
  }

  @Test
  void seedingTheSameStoreTwiceCreatesNothingTheSecondTime() {
    UserService users = DefaultUserService.inMemory();
    Seeder.seed(users, 10);

    assertThat(Seeder.seed(users, 12)).isEqualTo(new Seeder.Result(2, 10));
  }
}
