package dev.userapi.load;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One walk through the whole API, written once against {@link UserService} and run unchanged over
 * REST ({@code RestUserClient}) and gRPC ({@code GrpcUserClient}): create, get, conditional get,
 * update with an etag, pages, a stream, a watch, a bulk create, delete, and the errors a caller
 * should expect. Each step prints what happened; a step that does not behave as described throws
 * {@link IllegalStateException}, so the demos double as end-to-end checks.
 *
 * <p>Everything it creates carries a per-run name prefix and email domain, so it can run against a
 * server that holds other data, and it deletes what it created.
 *
 * <p>Thread-safe: it keeps no state between runs; one run uses one thread.
 *
 * @since 0.1.0 (before, in {@code examples} as {@code dev.userapi.examples.scenario.Scenario})
 */
public final class Scenario {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration GLANCE = Duration.ofMillis(500);
  private static final int BULK = 25;
  private static final int PAGE = 10;

  private final UserService users;
  private final PrintStream out;
  private final String tag;
  private final String domain;

  private Scenario(UserService users, PrintStream out) {
    this.users = users;
    this.out = out;
    String run = UUID.randomUUID().toString().substring(0, 8);
    this.tag = "Demo" + run + " ";
    this.domain = "demo-" + run + ".example.com";
  }

  /**
   * Runs the scenario against {@code users}, printing to {@code out}.
   *
   * @param users the service, local or a client
   * @param out where the scenario prints
   */
  public static void run(UserService users, PrintStream out) {
    new Scenario(requireNonNull(users, "users"), requireNonNull(out, "out")).run();
  }

  private void run() {
    User ada =
        step("create", () -> users.create(NewUser.of(tag + "Ada Lovelace", "ada@" + domain, 36)));
    out.println("    created " + describe(ada));

    User fetched = step("get", () -> users.get(ada.id()));
    check(fetched.equals(ada), "get returns what create returned");
    out.println("    got " + describe(fetched));

    step(
        "conditional get",
        () -> {
          User again = users.get(ada.id());
          check(again.etag().equals(ada.etag()), "an unchanged user keeps its etag");
          out.println(
              "    etag "
                  + again.etag()
                  + " unchanged: a cache may keep its copy"
                  + " (REST answers If-None-Match with 304)");
          return again;
        });

    User older =
        step(
            "update with etag",
            () -> users.update(ada.id(), UserUpdate.builder().age(37).build(), ada.etag()));
    check(
        older.age().orElse(-1) == 37 && !older.etag().equals(ada.etag()),
        "update applies and changes the etag");
    out.println("    updated age to " + older.age().getAsInt() + ", new etag " + older.etag());
    expectError(
        "update with a stale etag",
        ErrorCode.PRECONDITION_FAILED,
        () -> users.update(ada.id(), UserUpdate.builder().age(99).build(), ada.etag()));

    List<User> created = bulkCreate();

    step(
        "list pages",
        () -> {
          UserFilter mine = UserFilter.builder().namePrefix(tag).build();
          Page<User> page = users.list(UserQuery.firstPage(mine, PAGE));
          int pages = 1;
          int seen = page.items().size();
          out.println("    page 1: " + page.items().size() + " users");
          while (page.hasNextPage()) {
            page = users.list(UserQuery.firstPage(mine, PAGE).withPageToken(page.nextPageToken()));
            pages++;
            seen += page.items().size();
            out.println("    page " + pages + ": " + page.items().size() + " users");
          }
          check(seen == BULK + 1, "paging visits every user once (" + seen + ")");
          return seen;
        });

    step(
        "stream",
        () -> {
          UserFilter adults = UserFilter.builder().namePrefix(tag).minAge(30).build();
          int count = 0;
          try (BlockingStream<User> stream = BlockingStream.of(users.stream(adults))) {
            while (stream.hasNext()) {
              stream.next();
              count++;
            }
          }
          out.println("    streamed " + count + " users aged 30 or more");
          return count;
        });

    step(
        "watch",
        () -> {
          try (BlockingStream<UserEvent> events =
              BlockingStream.of(users.watch(UserService.WATCH_FROM_NOW))) {
            // A watch "from now" starts when the server has opened it, which over REST is a round
            // trip after watch() returns: a change made before that is not shown. So change, look
            // for the event a moment, and change again if it has not come.
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int attempt = 1; System.nanoTime() < deadline; attempt++) {
              User renamed =
                  users.update(
                      ada.id(),
                      UserUpdate.builder().name(tag + "Countess of Lovelace " + attempt).build(),
                      null);
              UserEvent event = awaitEventFor(events, renamed);
              if (event != null) {
                out.println(
                    "    saw event #"
                        + event.sequence()
                        + " "
                        + event.type()
                        + " "
                        + event.user().name());
                return event;
              }
            }
            throw new IllegalStateException(
                "the watch showed none of the updates within " + WAIT.toSeconds() + "s");
          }
        });

    step(
        "delete",
        () -> {
          users.delete(ada.id(), null);
          for (User user : created) {
            users.delete(user.id(), null);
          }
          users.delete(ada.id(), null);
          out.println("    deleted " + (created.size() + 1) + " users; deleting again is a no-op");
          return null;
        });
    expectError("get a deleted user", ErrorCode.NOT_FOUND, () -> users.get(ada.id()));
    expectError(
        "create with an invalid email",
        ErrorCode.INVALID_ARGUMENT,
        () -> users.create(NewUser.of(tag + "Bad", "not-an-email")));
    User taken = users.create(NewUser.of(tag + "Grace Hopper", "grace@" + domain, 85));
    expectError(
        "create with a taken email",
        ErrorCode.ALREADY_EXISTS,
        () -> users.create(NewUser.of(tag + "Grace Again", "GRACE@" + domain)));
    users.delete(taken.id(), taken.etag());
    out.println("done.");
  }

  private List<User> bulkCreate() {
    return step(
        "bulk create",
        () -> {
          List<NewUser> batch = new ArrayList<>();
          for (int i = 1; i <= BULK; i++) {
            batch.add(NewUser.of(tag + "User " + i, "user" + i + "@" + domain, 20 + i));
          }
          batch.add(NewUser.of(tag + "Duplicate", "user1@" + domain, 40));
          batch.add(NewUser.of(tag + "Invalid", "no-at-sign", 40));
          List<CreateResult> results = users.createAll(batch);
          List<User> created = new ArrayList<>();
          for (CreateResult result : results) {
            if (result.succeeded()) {
              created.add(result.user());
            } else {
              out.println(
                  "    item "
                      + result.index()
                      + " failed: "
                      + result.error().code()
                      + " "
                      + result.error().getMessage());
            }
          }
          check(created.size() == BULK, "every valid item is created (" + created.size() + ")");
          out.println(
              "    created "
                  + created.size()
                  + " of "
                  + batch.size()
                  + "; each item succeeds or fails on its own");
          return created;
        });
  }

  /** The event for {@code user}, or null if none comes within {@link #GLANCE}. */
  private static UserEvent awaitEventFor(BlockingStream<UserEvent> events, User user) {
    try {
      while (events.hasNext(GLANCE)) {
        UserEvent event = events.next();
        if (event.user().id().equals(user.id()) && event.user().etag().equals(user.etag())) {
          return event;
        }
      }
    } catch (UserException e) {
      if (e.code() == ErrorCode.DEADLINE_EXCEEDED) {
        return null;
      }
      throw e;
    }
    throw new IllegalStateException("the watch ended before showing the update");
  }

  private void expectError(String what, ErrorCode expected, Runnable call) {
    out.println("- " + what);
    try {
      call.run();
    } catch (UserException e) {
      check(e.code() == expected, what + " fails with " + expected + ", not " + e.code());
      String violations = e.violations().isEmpty() ? "" : " " + e.violations();
      out.println("    " + e.code() + ": " + e.getMessage() + violations);
      return;
    }
    throw new IllegalStateException(what + " should have failed with " + expected);
  }

  private <T> T step(String what, java.util.function.Supplier<T> action) {
    out.println("- " + what);
    return action.get();
  }

  private static String describe(User user) {
    return user.id()
        + " "
        + user.name()
        + " <"
        + user.email()
        + "> age "
        + (user.age().isPresent() ? user.age().getAsInt() : "-")
        + " etag "
        + user.etag();
  }

  private static void check(boolean condition, String expectation) {
    if (!condition) {
      throw new IllegalStateException("expected: " + expectation);
    }
  }
}
