package dev.userapi.server.cli;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.UserService;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a {@link UserService} with deterministic users, so that demos and benchmarks have something
 * to read: user {@code i} (from 1) is named after a pair of computing pioneers, has the email
 * {@code user<i>@example.com} and an age between 18 and 87. Seeding the same store twice creates
 * nothing the second time (the emails are taken), so it is safe to re-run against a database.
 *
 * <pre>{@code
 * Seeder.Result result = Seeder.seed(users, 10_000);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Seeder {
  /** Users sent per {@link UserService#createAll} call. */
  public static final int BATCH_SIZE = 1000;

  private static final String[] FIRST = {
    "Ada",
    "Alan",
    "Barbara",
    "Claude",
    "Donald",
    "Edsger",
    "Frances",
    "Grace",
    "John",
    "Ken",
    "Leslie",
    "Margaret",
    "Niklaus",
    "Radia",
    "Sophie",
    "Tim"
  };
  private static final String[] LAST = {
    "Allen",
    "Backus",
    "Dijkstra",
    "Hamilton",
    "Hopper",
    "Knuth",
    "Lamport",
    "Liskov",
    "Lovelace",
    "McCarthy",
    "Perlman",
    "Ritchie",
    "Shannon",
    "Thompson",
    "Turing",
    "Wirth",
    "Wilson"
  };

  private Seeder() {}

  /** What a seeding did. */
  public record Result(int created, int alreadyPresent) {}

  /**
   * User number {@code i} of every seeding.
   *
   * @param i 1 or more
   * @return the user
   */
  public static NewUser user(int i) {
    if (i < 1) {
      throw new IllegalArgumentException("i: " + i + " (expected: >= 1)");
    }
    String name =
        FIRST[(i - 1) % FIRST.length] + " " + LAST[((i - 1) / FIRST.length) % LAST.length];
    return NewUser.of(name, "user" + i + "@example.com", 18 + (i - 1) % 70);
  }

  /**
   * Creates users 1..{@code count} in batches of {@value #BATCH_SIZE}. Users whose email is already
   * taken count as already present; any other failure is thrown.
   *
   * @param users the service to seed
   * @param count how many users, 0 or more
   * @return what was created and what was there already
   */
  public static Result seed(UserService users, int count) {
    requireNonNull(users, "users");
    if (count < 0) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
    }
    int created = 0;
    int present = 0;
    for (int first = 1; first <= count; first += BATCH_SIZE) {
      int last = Math.min(count, first + BATCH_SIZE - 1);
      List<NewUser> batch = new ArrayList<>(last - first + 1);
      for (int i = first; i <= last; i++) {
        batch.add(user(i));
      }
      for (CreateResult result : users.createAll(batch)) {
        if (result.succeeded()) {
          created++;
        } else if (result.error().code() == ErrorCode.ALREADY_EXISTS) {
          present++;
        } else {
          throw result.error();
        }
      }
    }
    return new Result(created, present);
  }
}
