package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserService;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SeederTest {

  @Test
  void seedingCreatesDeterministicUsersInBatches() {
    UserService users = DefaultUserService.inMemory();

    Seeder.Result result = Seeder.seed(users, 2500);

    assertThat(result).isEqualTo(new Seeder.Result(2500, 0));
    List<User> all = BlockingStream.toList(users.stream(UserFilter.all()));
    assertThat(all).hasSize(2500);
    // Written out by hand, not computed with Seeder.user: the first user, the first one whose
    // first name wraps round, and one on each side of the first batch boundary and at the end.
    assertThat(all)
        .extracting(User::email)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, 2500).mapToObj(i -> "user" + i + "@example.com").toList());
    assertThat(all.get(0))
        .extracting(User::name, User::age)
        .containsExactly("Ada Allen", ageOf(18));
    assertThat(all.get(16))
        .extracting(User::name, User::age)
        .containsExactly("Ada Backus", ageOf(34));
    assertThat(all.get(999))
        .extracting(User::name, User::age)
        .containsExactly("Grace Ritchie", ageOf(37));
    assertThat(all.get(1000))
        .extracting(User::name, User::age)
        .containsExactly("John Ritchie", ageOf(38));
    assertThat(all.get(2499))
        .extracting(User::name, User::age)
        .containsExactly("Claude Hamilton", ageOf(67));
  }

  private static OptionalInt ageOf(int age) {
    return OptionalInt.of(age);
  }

  @Test
  void seedingTheSameStoreTwiceCreatesNothingTheSecondTime() {
    UserService users = DefaultUserService.inMemory();
    Seeder.seed(users, 10);

    assertThat(Seeder.seed(users, 12)).isEqualTo(new Seeder.Result(2, 10));
  }
}
