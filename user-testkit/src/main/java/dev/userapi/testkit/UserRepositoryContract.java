package dev.userapi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserRepository;
import dev.userapi.core.internal.UuidV7;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link UserRepository} (the storage SPI under {@code DefaultUserService}) must do:
 * atomic insert with a case-insensitively unique email, compare-and-set update by version, delete,
 * lookup, keyset-ordered scan and a resumable change feed. Subclass it as {@code *ContractTest} and
 * implement {@link #newRepository()}.
 *
 * <p>The repository receives users that {@code DefaultUserService} already validated and
 * normalised, so the contract does not test validation. Cases work in their own namespace and do
 * not assume an empty store.
 *
 * @since 0.1.0
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(KnownFailingExtension.class)
public abstract class UserRepositoryContract {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The repository under test; fresh for each case. */
  protected UserRepository repository;

  private final UuidV7 ids = new UuidV7(Clock.systemUTC());
  private String tag;
  private String domain;

  /**
   * Returns a repository for one case; called before each case.
   *
   * @return a new, open repository; it may share storage with earlier ones, as each case works in
   *     its own namespace
   */
  protected abstract UserRepository newRepository();

  /**
   * Releases the repository after each case; closes it by default.
   *
   * @param repository the repository {@link #newRepository()} returned for this case
   * @throws Exception whatever releasing throws; it fails the case
   */
  protected void closeRepository(UserRepository repository) throws Exception {
    repository.close();
  }

  /**
   * Names of cases expected to fail (say why in the override); a listed case that passes fails.
   *
   * @return test method names; empty by default
   */
  protected Set<String> knownFailing() {
    return Set.of();
  }

  @BeforeEach
  final void openRepository() {
    String random = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    tag = "R" + random + " ";
    domain = "r" + random + ".example.com";
    repository = newRepository();
  }

  @AfterEach
  final void releaseRepository() throws Exception {
    if (repository != null) {
      closeRepository(repository);
    }
  }

  @Test
  void insertedUserIsFoundByIdWithEveryFieldIntact() {
    User ada = user("Ada", "ada", OptionalInt.of(36));

    assertThat(repository.insert(ada, null)).isEqualTo(ada);
    assertThat(repository.findById(ada.id())).hasValue(ada);
  }

  @Test
  void absentAgeSurvivesTheRoundTrip() {
    User alan = user("Alan", "alan", OptionalInt.empty());
    repository.insert(alan, null);

    assertThat(repository.findById(alan.id()).orElseThrow().age()).isEmpty();
  }

  @Test
  void findByIdOfAnUnknownIdIsEmpty() {
    assertThat(repository.findById(ids.next())).isEmpty();
  }

  @Test
  void insertRejectsADuplicateEmailCaseInsensitively() {
    repository.insert(user("Ada", "ada", OptionalInt.empty()), null);

    assertError(
        () -> repository.insert(user("Ada 2", "ADA", OptionalInt.empty()), null),
        ErrorCode.ALREADY_EXISTS);
    assertThat(scanAll()).hasSize(1);
  }

  @Test
  void insertWithARepeatedRequestIdReturnsTheFirstUser() {
    String requestId = UUID.randomUUID().toString();
    User first = repository.insert(user("Ada", "ada", OptionalInt.empty()), requestId);

    User retried = repository.insert(user("Ada", "ada", OptionalInt.empty()), requestId);

    assertThat(retried).isEqualTo(first);
    assertThat(scanAll()).hasSize(1);
  }

  @Test
  void updateWithTheExpectedVersionStoresTheNextVersion() {
    User ada = repository.insert(user("Ada", "ada", OptionalInt.of(36)), null);
    User next = next(ada, "Ada L", ada.email(), OptionalInt.of(37));

    assertThat(repository.update(next, ada.version())).isEqualTo(next);
    assertThat(repository.findById(ada.id())).hasValue(next);
  }

  @Test
  void updateWithAnotherVersionIsPreconditionFailedAndChangesNothing() {
    User ada = repository.insert(user("Ada", "ada", OptionalInt.of(36)), null);
    User v2 = repository.update(next(ada, "v2", ada.email(), ada.age()), 1);

    assertError(
        () -> repository.update(next(ada, "stale", ada.email(), ada.age()), 1),
        ErrorCode.PRECONDITION_FAILED);
    assertThat(repository.findById(ada.id())).hasValue(v2);
  }

  @Test
  void updateOfAnUnknownUserIsNotFound() {
    User ghost = user("Ghost", "ghost", OptionalInt.empty());

    assertError(
        () -> repository.update(next(ghost, "x", ghost.email(), ghost.age()), 1),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void updateToAnEmailOfAnotherUserIsAlreadyExists() {
    repository.insert(user("Ada", "ada", OptionalInt.empty()), null);
    User bob = repository.insert(user("Bob", "bob", OptionalInt.empty()), null);

    assertError(
        () -> repository.update(next(bob, "Bob", email("Ada"), bob.age()), bob.version()),
        ErrorCode.ALREADY_EXISTS);
    assertThat(repository.findById(bob.id())).hasValue(bob);
  }

  @Test
  void changingAnEmailFreesTheOldOne() {
    User ada = repository.insert(user("Ada", "ada", OptionalInt.empty()), null);
    repository.update(next(ada, "Ada", email("augusta"), ada.age()), ada.version());

    User other = repository.insert(user("Other", "ada", OptionalInt.empty()), null);

    assertThat(repository.findById(other.id())).hasValue(other);
  }

  @Test
  void deleteReturnsTheDeletedUserAndThenIsEmpty() {
    User ada = repository.insert(user("Ada", "ada", OptionalInt.empty()), null);

    assertThat(repository.delete(ada.id(), OptionalLong.empty())).hasValue(ada);
    assertThat(repository.delete(ada.id(), OptionalLong.empty())).isEmpty();
    assertThat(repository.findById(ada.id())).isEmpty();
  }

  @Test
  void deleteWithAnotherVersionIsPreconditionFailedAndKeepsTheUser() {
    User ada = repository.insert(user("Ada", "ada", OptionalInt.empty()), null);

    assertError(
        () -> repository.delete(ada.id(), OptionalLong.of(7)), ErrorCode.PRECONDITION_FAILED);
    assertThat(repository.findById(ada.id())).hasValue(ada);
    assertThat(repository.delete(ada.id(), OptionalLong.of(1))).hasValue(ada);
  }

  @Test
  void deleteFreesTheEmail() {
    User ada = repository.insert(user("Ada", "ada", OptionalInt.empty()), null);
    repository.delete(ada.id(), OptionalLong.empty());

    User again = repository.insert(user("Ada again", "ada", OptionalInt.empty()), null);

    assertThat(repository.findById(again.id())).hasValue(again);
  }

  @Test
  void scanReturnsUsersInIdOrderAfterTheGivenIdUpToTheLimit() {
    List<User> users = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      users.add(repository.insert(user("U" + i, "u" + i, OptionalInt.of(i)), null));
    }
    UserFilter mine = UserFilter.builder().namePrefix(tag).build();

    assertThat(repository.scan(mine, null, 4)).containsExactlyElementsOf(users.subList(0, 4));
    assertThat(repository.scan(mine, users.get(3).id(), 4))
        .containsExactlyElementsOf(users.subList(4, 8));
    assertThat(repository.scan(mine, users.get(7).id(), 4))
        .containsExactlyElementsOf(users.subList(8, 10));
    assertThat(repository.scan(mine, users.get(9).id(), 4)).isEmpty();
  }

  @Test
  void scanAppliesEveryPartOfTheFilter() {
    for (int age = 10; age <= 50; age += 10) {
      repository.insert(user("Age " + age, "age" + age, OptionalInt.of(age)), null);
    }
    repository.insert(user("Ageless", "ageless", OptionalInt.empty()), null);
    User special = repository.insert(user("Special", "Special", OptionalInt.of(30)), null);

    UserFilter ages = UserFilter.builder().namePrefix(tag + "Age").minAge(20).maxAge(40).build();
    UserFilter byEmail = UserFilter.builder().email(email("special").toUpperCase()).build();

    assertThat(repository.scan(ages, null, 100))
        .extracting(u -> u.age().getAsInt())
        .containsExactly(20, 30, 40);
    assertThat(repository.scan(byEmail, null, 100)).containsExactly(special);
  }

  @Test
  void insertAllReportsPerItemResults() {
    repository.insert(user("Existing", "existing", OptionalInt.empty()), null);
    List<User> batch =
        List.of(
            user("A", "a", OptionalInt.empty()),
            user("Dup existing", "EXISTING", OptionalInt.empty()),
            user("B", "b", OptionalInt.of(3)),
            user("A twin", "a", OptionalInt.empty()));

    List<CreateResult> results = repository.insertAll(batch);

    assertThat(results).extracting(CreateResult::index).containsExactly(0, 1, 2, 3);
    assertThat(results)
        .extracting(CreateResult::succeeded)
        .containsExactly(true, false, true, false);
    assertThat(results.get(1).error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(results.get(3).error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(results.get(2).user()).isEqualTo(batch.get(2));
    assertThat(scanAll()).hasSize(3);
  }

  @Test
  void concurrentInsertsOfOneEmailLetExactlyOneWin() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> outcomes = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        User racer = user("Racer " + i, "race", OptionalInt.empty());
        outcomes.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    repository.insert(racer, null);
                    return true;
                  } catch (UserException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
                    return false;
                  }
                }));
      }
      start.countDown();
      int wins = 0;
      for (Future<Boolean> outcome : outcomes) {
        wins += outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
      assertThat(scanAll()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void changesDeliverEveryWriteInOrder() {
    try (Feed feed = openFeed()) {
      User ada = repository.insert(user("Ada", "ada", OptionalInt.empty()), null);
      User v2 = repository.update(next(ada, "Ada 2", ada.email(), ada.age()), 1);
      repository.delete(ada.id(), OptionalLong.empty());

      List<UserEvent> events = feed.next(3, e -> e.user().id().equals(ada.id()));

      assertThat(events)
          .extracting(UserEvent::type)
          .containsExactly(UserEvent.Type.CREATED, UserEvent.Type.UPDATED, UserEvent.Type.DELETED);
      assertThat(events.get(0).user()).isEqualTo(ada);
      assertThat(events.get(1).user()).isEqualTo(v2);
      assertThat(events).extracting(UserEvent::sequence).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void changesResumeAfterAGivenSequence() {
    long adaSequence;
    User bob;
    try (Feed feed = openFeed()) {
      User ada = repository.insert(user("Ada", "ada", OptionalInt.empty()), null);
      bob = repository.insert(user("Bob", "bob", OptionalInt.empty()), null);
      adaSequence = feed.next(1, e -> e.user().id().equals(ada.id())).get(0).sequence();
    }

    try (BlockingStream<UserEvent> replay = BlockingStream.of(repository.changes(adaSequence))) {
      assertThat(replay.hasNext(WAIT)).isTrue();
      UserEvent next = replay.next();
      assertThat(next.sequence()).isGreaterThan(adaSequence);
      assertThat(next.user()).isEqualTo(bob);
    }
  }

  @Test
  void failedWritesPublishNoEvents() {
    try (Feed feed = openFeed()) {
      User ada = repository.insert(user("Ada", "ada", OptionalInt.empty()), null);
      catchThrowableOfType(
          UserException.class,
          () -> repository.insert(user("Ada twin", "ada", OptionalInt.empty()), null));
      catchThrowableOfType(
          UserException.class,
          () -> repository.update(next(ada, "stale", ada.email(), ada.age()), 9));
      User marker = repository.insert(user("Marker", "marker", OptionalInt.empty()), null);

      List<UserEvent> events =
          feed.next(2, e -> e.user().id().equals(ada.id()) || e.user().id().equals(marker.id()));

      assertThat(events).extracting(e -> e.user().id()).containsExactly(ada.id(), marker.id());
    }
  }

  @Test
  void healthIsServing() {
    assertThat(repository.health()).isEqualTo(HealthStatus.SERVING);
  }

  @Test
  void pageTokenSecretIsAbsentOrTheSameAtLeast16BytesOnEveryCall() {
    Optional<byte[]> first = repository.pageTokenSecret();
    Optional<byte[]> second = repository.pageTokenSecret();

    assertThat(second.isPresent()).isEqualTo(first.isPresent());
    first.ifPresent(
        secret -> {
          assertThat(secret).hasSizeGreaterThanOrEqualTo(16);
          assertThat(second.get()).as("the second call's secret").isEqualTo(secret);
          secret[0]++;
          assertThat(repository.pageTokenSecret().orElseThrow())
              .as("the secret after a caller changed its copy")
              .isEqualTo(second.get());
        });
  }

  // ================================================================ helpers

  private String email(String local) {
    return local + "@" + domain;
  }

  private User user(String name, String local, OptionalInt age) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return new User(ids.next(), tag + name, email(local), age, now, now, 1);
  }

  /** The next version of {@code user} with a name in this case's namespace. */
  private User next(User user, String name, String email, OptionalInt age) {
    Instant later = user.updateTime().plus(1, ChronoUnit.MILLIS);
    return new User(
        user.id(), tag + name, email, age, user.createTime(), later, user.version() + 1);
  }

  private List<User> scanAll() {
    return repository.scan(UserFilter.builder().namePrefix(tag).build(), null, 10_000);
  }

  private static void assertError(ThrowingCallable call, ErrorCode code) {
    UserException error = catchThrowableOfType(UserException.class, call);
    assertThat(error).as("expected a UserException with code " + code).isNotNull();
    assertThat(error.code()).as("code of " + error).isEqualTo(code);
  }

  /** A change feed from now, proven live by a probe write (see UserServiceContract). */
  private Feed openFeed() {
    BlockingStream<UserEvent> events = BlockingStream.of(repository.changes(-1));
    User probe =
        repository.insert(user("Probe", "probe-" + UUID.randomUUID(), OptionalInt.empty()), null);
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        while (events.hasNext(Duration.ofMillis(200))) {
          if (events.next().user().id().equals(probe.id())) {
            return new Feed(events);
          }
        }
        break;
      } catch (UserException e) {
        if (e.code() != ErrorCode.DEADLINE_EXCEEDED) {
          events.close();
          throw e;
        }
        probe =
            repository.update(next(probe, "Probe", probe.email(), probe.age()), probe.version());
      }
    }
    events.close();
    throw new AssertionError("the change feed never delivered the probe's events");
  }

  private record Feed(BlockingStream<UserEvent> events) implements AutoCloseable {
    List<UserEvent> next(int count, Predicate<UserEvent> matching) {
      List<UserEvent> found = new ArrayList<>();
      while (found.size() < count) {
        assertThat(events.hasNext(WAIT)).as("change feed ended early").isTrue();
        UserEvent event = events.next();
        if (matching.test(event)) {
          found.add(event);
        }
      }
      return found;
    }

    @Override
    public void close() {
      events.close();
    }
  }
}
