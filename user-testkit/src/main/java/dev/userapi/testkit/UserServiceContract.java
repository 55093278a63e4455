package dev.userapi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link UserService} must have, written once: the in-memory service, the
 * PostgreSQL-backed service, and both clients talking to a server all run it. Subclass it, name the
 * subclass {@code *ContractTest}, and implement {@link #newService()}:
 *
 * <pre>{@code
 * class MyUserServiceContractTest extends UserServiceContract {
 *   @Override
 *   protected UserService newService() {
 *     return new MyUserService();
 *   }
 * }
 * }</pre>
 *
 * <p>Every case works in its own namespace (a random name prefix and email domain), never assumes
 * an empty store and never deletes what it did not create, so the contract can also run against a
 * deployed server through a client ("black-box mode").
 *
 * <p>Optional parts are declared in {@link #capabilities()}; cases of an undeclared capability are
 * skipped. Cases listed in {@link #knownFailing()} are skipped while they fail and fail the run as
 * soon as they pass.
 *
 * @since 0.1.0
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(KnownFailingExtension.class)
public abstract class UserServiceContract {
  /** How long a case waits for a streamed item or event before failing. */
  protected static final Duration WAIT = Duration.ofSeconds(20);

  /** The service under test; fresh for each case. */
  protected UserService service;

  /** This case's namespace: every name created here starts with it. */
  protected String tag;

  private String domain;

  /**
   * Returns a service for one case; called before each case.
   *
   * @return a new service; it may share storage with earlier ones, as each case works in its own
   *     namespace ({@link #tag})
   */
  protected abstract UserService newService();

  /**
   * Releases what {@link #newService()} created; called after each case. Closes it by default.
   *
   * @param service the service {@link #newService()} returned for this case
   * @throws Exception whatever releasing throws; it fails the case
   */
  protected void closeService(UserService service) throws Exception {
    if (service instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  /**
   * The optional parts this implementation supports; all of them by default.
   *
   * @return the supported capabilities; cases needing others are skipped
   */
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }

  /**
   * Names of contract methods expected to fail for this implementation (with a comment in the
   * override saying why). A listed case that passes fails the run.
   *
   * @return test method names; empty by default
   */
  protected Set<String> knownFailing() {
    return Set.of();
  }

  /**
   * How many watches are open right now at the source of events behind the service under test — for
   * a client, the service its server serves — where the subclass can see it. The contract then
   * checks that closing a watch cancels it there too, not only on the caller's side.
   *
   * @return the number of open watches upstream; empty (the default) when it cannot be seen, as in
   *     black-box mode
   */
  protected OptionalInt openWatchesUpstream() {
    return OptionalInt.empty();
  }

  @BeforeEach
  final void openService() {
    String random = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    tag = "T" + random + " ";
    domain = "c" + random + ".example.com";
    service = newService();
  }

  @AfterEach
  final void releaseService() throws Exception {
    if (service != null) {
      closeService(service);
    }
  }

  // ---------------------------------------------------------------- create and get

  @Test
  void createAssignsIdTimestampsAndFirstEtag() {
    User user = service.create(NewUser.of(tag + "Ada", email("ada"), 36));

    assertThat(user.id()).isNotBlank();
    assertThat(user.name()).isEqualTo(tag + "Ada");
    assertThat(user.email()).isEqualTo(email("ada"));
    assertThat(user.age()).isEqualTo(OptionalInt.of(36));
    assertThat(user.createTime()).isEqualTo(user.updateTime());
    assertThat(user.etag()).isNotBlank();
  }

  @Test
  void createNormalisesNameAndEmail() {
    User user =
        service.create(
            NewUser.of("  " + tag + "Grace  ", "  Grace.Hopper@" + domain.toUpperCase() + " "));

    assertThat(user.name()).isEqualTo(tag + "Grace");
    assertThat(user.email()).isEqualTo("Grace.Hopper@" + domain);
  }

  @Test
  void createWithoutAgeLeavesAgeAbsent() {
    User user = service.create(NewUser.of(tag + "Alan", email("alan")));

    assertThat(user.age()).isEmpty();
    assertThat(service.get(user.id()).age()).isEmpty();
  }

  @Test
  void createGivesEachUserADistinctId() {
    User first = service.create(NewUser.of(tag + "One", email("one")));
    User second = service.create(NewUser.of(tag + "Two", email("two")));

    assertThat(first.id()).isNotEqualTo(second.id());
  }

  @Test
  void getReturnsWhatCreateReturned() {
    User created = service.create(NewUser.of(tag + "Edsger", email("edsger"), 72));

    assertThat(service.get(created.id())).isEqualTo(created);
  }

  @Test
  void getOfUnknownIdIsNotFound() {
    assertError(() -> service.get(UUID.randomUUID().toString()), ErrorCode.NOT_FOUND);
  }

  @Test
  void getOfMalformedIdIsInvalidArgument() {
    UserException error = assertError(() -> service.get("not-an-id"), ErrorCode.INVALID_ARGUMENT);

    assertThat(fields(error)).containsExactly("id");
  }

  @Test
  void createRejectsDuplicateEmailCaseInsensitively() {
    service.create(NewUser.of(tag + "Ada", email("ada")));

    assertError(
        () -> service.create(NewUser.of(tag + "Other Ada", email("ADA").toUpperCase())),
        ErrorCode.ALREADY_EXISTS);
    assertThat(listAll()).hasSize(1);
  }

  @Test
  void retriedCreateWithTheSameRequestIdReturnsTheFirstUser() {
    assumeCapability(Capability.IDEMPOTENT_CREATE);
    String requestId = UUID.randomUUID().toString();
    User first = service.create(NewUser.of(tag + "Ada", email("ada")), requestId);

    User retried = service.create(NewUser.of(tag + "Ada", email("ada")), requestId);

    assertThat(retried).isEqualTo(first);
    assertThat(listAll()).hasSize(1);
  }

  @Test
  void createWithADifferentRequestIdAndTheSameEmailConflicts() {
    assumeCapability(Capability.IDEMPOTENT_CREATE);
    service.create(NewUser.of(tag + "Ada", email("ada")), UUID.randomUUID().toString());

    assertError(
        () -> service.create(NewUser.of(tag + "Ada", email("ada")), UUID.randomUUID().toString()),
        ErrorCode.ALREADY_EXISTS);
  }

  // ---------------------------------------------------------------- validation

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\t\n"})
  void blankNameIsRejected(String name) {
    UserException error =
        assertError(() -> service.create(NewUser.of(name, email("x"))), ErrorCode.INVALID_ARGUMENT);

    assertThat(fields(error)).containsExactly("name");
  }

  @Test
  void nameOfMoreThan200CharactersIsRejected() {
    String name = tag + "x".repeat(201 - tag.length());

    UserException error =
        assertError(() -> service.create(NewUser.of(name, email("x"))), ErrorCode.INVALID_ARGUMENT);

    assertThat(fields(error)).containsExactly("name");
  }

  @Test
  void nameOfExactly200CharactersIsAccepted() {
    String name = tag + "x".repeat(200 - tag.length());

    assertThat(service.create(NewUser.of(name, email("x"))).name()).hasSize(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "plainaddress",
        "@no-local.example.com",
        "no-at.example.com",
        "a@b",
        "a@@b.com",
        "a b@example.com",
        "a@exa mple.com",
        "a@-example.com",
        "a..b@example.com",
        "a@example.123"
      })
  void invalidEmailIsRejected(String email) {
    UserException error =
        assertError(() -> service.create(NewUser.of(tag + "X", email)), ErrorCode.INVALID_ARGUMENT);

    assertThat(fields(error)).containsExactly("email");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 151, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void ageOutOfRangeIsRejected(int age) {
    UserException error =
        assertError(
            () -> service.create(NewUser.of(tag + "X", email("x"), age)),
            ErrorCode.INVALID_ARGUMENT);

    assertThat(fields(error)).containsExactly("age");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 150})
  void ageAtTheBoundsIsAccepted(int age) {
    assertThat(service.create(NewUser.of(tag + "X", email("x"), age)).age()).hasValue(age);
  }

  @Test
  void everyViolationIsReportedAtOnce() {
    UserException error =
        assertError(() -> service.create(NewUser.of(" ", "nope", 200)), ErrorCode.INVALID_ARGUMENT);

    assertThat(fields(error)).containsExactlyInAnyOrder("name", "email", "age");
    assertThat(error.violations()).allSatisfy(v -> assertThat(v.description()).isNotBlank());
  }

  @Test
  void rejectedCreateStoresNothing() {
    assertError(() -> service.create(NewUser.of(tag + "X", "nope")), ErrorCode.INVALID_ARGUMENT);

    assertThat(listAll()).isEmpty();
    // The email stays free.
    assertThatCode(() -> service.create(NewUser.of(tag + "X", email("x"))))
        .doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------- update

  @Test
  void updateChangesOnlyTheNamedFields() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));

    User updated = service.update(ada.id(), UserUpdate.builder().name(tag + "Ada L").build(), null);

    assertThat(updated.name()).isEqualTo(tag + "Ada L");
    assertThat(updated.email()).isEqualTo(ada.email());
    assertThat(updated.age()).isEqualTo(ada.age());
    assertThat(service.get(ada.id())).isEqualTo(updated);
  }

  @Test
  void updateCanClearAgeWhichIsDifferentFromLeavingItAlone() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));

    User untouched = service.update(ada.id(), UserUpdate.builder().name(tag + "A").build(), null);
    User cleared = service.update(ada.id(), UserUpdate.builder().clearAge().build(), null);

    assertThat(untouched.age()).hasValue(36);
    assertThat(cleared.age()).isEmpty();
    assertThat(service.get(ada.id()).age()).isEmpty();
  }

  @Test
  void updateWithTheCurrentEtagSucceedsAndChangesTheEtag() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));

    User updated = service.update(ada.id(), UserUpdate.builder().age(37).build(), ada.etag());

    assertThat(updated.age()).hasValue(37);
    assertThat(updated.etag()).isNotEqualTo(ada.etag());
  }

  @Test
  void updateWithAStaleEtagIsPreconditionFailedAndChangesNothing() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));
    User current = service.update(ada.id(), UserUpdate.builder().age(37).build(), null);

    assertError(
        () -> service.update(ada.id(), UserUpdate.builder().age(99).build(), ada.etag()),
        ErrorCode.PRECONDITION_FAILED);
    assertThat(service.get(ada.id())).isEqualTo(current);
  }

  @Test
  void updateOfUnknownUserIsNotFound() {
    assertError(
        () ->
            service.update(UUID.randomUUID().toString(), UserUpdate.builder().age(1).build(), null),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void updateToAnEmailTakenByAnotherUserIsAlreadyExists() {
    service.create(NewUser.of(tag + "Ada", email("ada")));
    User bob = service.create(NewUser.of(tag + "Bob", email("bob")));

    assertError(
        () -> service.update(bob.id(), UserUpdate.builder().email(email("Ada")).build(), null),
        ErrorCode.ALREADY_EXISTS);
    assertThat(service.get(bob.id())).isEqualTo(bob);
  }

  @Test
  void updateMayChangeTheCaseOfTheUsersOwnEmail() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada")));

    User updated = service.update(ada.id(), UserUpdate.builder().email(email("ADA")).build(), null);

    assertThat(updated.email()).isEqualTo(email("ADA"));
  }

  @Test
  void invalidUpdateReportsEveryViolationAndChangesNothing() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));

    UserException error =
        assertError(
            () ->
                service.update(
                    ada.id(), UserUpdate.builder().name("").email("x").age(-5).build(), null),
            ErrorCode.INVALID_ARGUMENT);

    assertThat(fields(error)).containsExactlyInAnyOrder("name", "email", "age");
    assertThat(service.get(ada.id())).isEqualTo(ada);
  }

  @Test
  void updateThatChangesNothingKeepsTheEtag() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));

    User same = service.update(ada.id(), UserUpdate.builder().age(36).build(), ada.etag());

    assertThat(same.etag()).isEqualTo(ada.etag());
  }

  @Test
  void updateKeepsCreateTimeAndAdvancesUpdateTime() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));

    User updated = service.update(ada.id(), UserUpdate.builder().age(40).build(), null);

    assertThat(updated.createTime()).isEqualTo(ada.createTime());
    assertThat(updated.updateTime()).isAfterOrEqualTo(ada.updateTime());
  }

  // ---------------------------------------------------------------- replace

  @Test
  void replaceOverwritesEveryFieldIncludingAnAbsentAge() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));

    User replaced =
        service.replace(ada.id(), NewUser.of(tag + "Augusta", email("augusta")), ada.etag());

    assertThat(replaced.id()).isEqualTo(ada.id());
    assertThat(replaced.name()).isEqualTo(tag + "Augusta");
    assertThat(replaced.email()).isEqualTo(email("augusta"));
    assertThat(replaced.age()).isEmpty();
    assertThat(service.get(ada.id())).isEqualTo(replaced);
  }

  @Test
  void replaceIsIdempotent() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));
    NewUser replacement = NewUser.of(tag + "Augusta", email("augusta"), 37);

    User first = service.replace(ada.id(), replacement, null);
    User second = service.replace(ada.id(), replacement, null);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void replaceWithAStaleEtagIsPreconditionFailed() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 36));
    service.update(ada.id(), UserUpdate.builder().age(37).build(), null);

    assertError(
        () -> service.replace(ada.id(), NewUser.of(tag + "X", email("x")), ada.etag()),
        ErrorCode.PRECONDITION_FAILED);
  }

  @Test
  void replaceOfUnknownUserIsNotFound() {
    assertError(
        () ->
            service.replace(UUID.randomUUID().toString(), NewUser.of(tag + "X", email("x")), null),
        ErrorCode.NOT_FOUND);
  }

  // ---------------------------------------------------------------- delete

  @Test
  void deleteRemovesTheUser() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada")));

    service.delete(ada.id(), null);

    assertError(() -> service.get(ada.id()), ErrorCode.NOT_FOUND);
  }

  @Test
  void deleteIsIdempotent() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada")));
    service.delete(ada.id(), null);

    assertThatCode(() -> service.delete(ada.id(), null)).doesNotThrowAnyException();
  }

  @Test
  void deleteWithAStaleEtagIsPreconditionFailedAndKeepsTheUser() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada")));
    User updated = service.update(ada.id(), UserUpdate.builder().age(3).build(), null);

    assertError(() -> service.delete(ada.id(), ada.etag()), ErrorCode.PRECONDITION_FAILED);
    assertThat(service.get(ada.id())).isEqualTo(updated);
  }

  @Test
  void deleteWithTheCurrentEtagSucceeds() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada")));

    service.delete(ada.id(), ada.etag());

    assertError(() -> service.get(ada.id()), ErrorCode.NOT_FOUND);
  }

  @Test
  void deleteWithAnEtagOfAMissingUserIsPreconditionFailed() {
    assertError(
        () -> service.delete(UUID.randomUUID().toString(), "1"), ErrorCode.PRECONDITION_FAILED);
  }

  @Test
  void deleteFreesTheEmailForReuse() {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada")));
    service.delete(ada.id(), null);

    User again = service.create(NewUser.of(tag + "Ada again", email("ada")));

    assertThat(again.id()).isNotEqualTo(ada.id());
  }

  // ---------------------------------------------------------------- list

  @Test
  void listPagesThroughEveryMatchingUserInIdOrder() {
    List<User> created = createMany(25);

    List<User> seen = new ArrayList<>();
    UserQuery query = UserQuery.firstPage(mine(), 10);
    int pages = 0;
    while (true) {
      Page<User> page = service.list(query);
      pages++;
      assertThat(page.items().size()).isLessThanOrEqualTo(10);
      seen.addAll(page.items());
      if (!page.hasNextPage()) {
        break;
      }
      query = query.withPageToken(page.nextPageToken());
    }

    assertThat(pages).isEqualTo(3);
    assertThat(seen).extracting(User::id).isSorted();
    assertThat(seen).containsExactlyInAnyOrderElementsOf(created);
  }

  @Test
  void listFiltersByEmailCaseInsensitively() {
    createMany(3);
    User ada = service.create(NewUser.of(tag + "Ada", email("ada")));

    Page<User> page =
        service.list(UserQuery.firstPage(UserFilter.builder().email(email("ADA")).build(), 10));

    assertThat(page.items()).containsExactly(ada);
  }

  @Test
  void listFiltersByAgeRangeInclusively() {
    for (int age : new int[] {17, 18, 30, 65, 66}) {
      service.create(NewUser.of(tag + "Age " + age, email("age" + age), age));
    }
    service.create(NewUser.of(tag + "Ageless", email("ageless")));

    UserFilter filter = UserFilter.builder().namePrefix(tag).minAge(18).maxAge(65).build();
    List<User> users = service.list(UserQuery.firstPage(filter, 100)).items();

    assertThat(users).extracting(u -> u.age().getAsInt()).containsExactlyInAnyOrder(18, 30, 65);
  }

  @Test
  void minAgeAboveMaxAgeIsInvalidArgument() {
    UserFilter filter = UserFilter.builder().minAge(50).maxAge(10).build();

    assertError(() -> service.list(UserQuery.firstPage(filter, 10)), ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void negativePageSizeIsInvalidArgument() {
    UserException error =
        assertError(() -> service.list(new UserQuery(mine(), -1, "")), ErrorCode.INVALID_ARGUMENT);

    assertThat(fields(error)).containsExactly("pageSize");
  }

  @Test
  void pageSizeZeroMeansAServerChosenDefault() {
    createMany(3);

    Page<User> page = service.list(new UserQuery(mine(), 0, ""));

    assertThat(page.items()).hasSize(3);
    assertThat(page.hasNextPage()).isFalse();
  }

  @Test
  void tamperedPageTokenIsInvalidArgument() {
    createMany(3);
    Page<User> first = service.list(UserQuery.firstPage(mine(), 1));
    String token = first.nextPageToken();
    // Flip a character in the middle: the last one of unpadded base64 may carry ignored bits.
    int at = token.length() / 2;
    String tampered =
        token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);

    UserException error =
        assertError(
            () -> service.list(UserQuery.firstPage(mine(), 1).withPageToken(tampered)),
            ErrorCode.INVALID_ARGUMENT);
    assertThat(fields(error)).containsExactly("pageToken");
  }

  @Test
  void garbagePageTokenIsInvalidArgument() {
    assertError(
        () -> service.list(UserQuery.firstPage(mine(), 1).withPageToken("%%% not a token \u0000")),
        ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void pageTokenOfAnotherFilterIsInvalidArgument() {
    createMany(3);
    String token = service.list(UserQuery.firstPage(mine(), 1)).nextPageToken();
    UserFilter other = UserFilter.builder().namePrefix(tag).minAge(1).build();

    assertError(
        () -> service.list(UserQuery.firstPage(other, 1).withPageToken(token)),
        ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void pagingNeverRepeatsOrSkipsExistingUsersWhileOthersInsert() {
    List<User> existing = createMany(12);

    List<User> seen = new ArrayList<>();
    UserQuery query = UserQuery.firstPage(mine(), 5);
    int inserted = 0;
    while (true) {
      Page<User> page = service.list(query);
      seen.addAll(page.items());
      // Writers keep inserting between our pages.
      service.create(NewUser.of(tag + "Late " + inserted, email("late" + inserted)));
      inserted++;
      if (!page.hasNextPage()) {
        break;
      }
      query = query.withPageToken(page.nextPageToken());
    }

    List<String> seenIds = seen.stream().map(User::id).toList();
    assertThat(seenIds).doesNotHaveDuplicates();
    assertThat(seenIds).containsAll(existing.stream().map(User::id).toList());
  }

  // ---------------------------------------------------------------- stream

  @Test
  void streamReturnsEveryMatchingUserInIdOrder() {
    assumeCapability(Capability.STREAM);
    List<User> created = createMany(600);

    List<User> streamed = BlockingStream.toList(service.stream(mine()));

    assertThat(streamed).extracting(User::id).isSorted();
    assertThat(streamed).containsExactlyInAnyOrderElementsOf(created);
  }

  @Test
  void streamOfNothingCompletesEmpty() {
    assumeCapability(Capability.STREAM);

    assertThat(BlockingStream.toList(service.stream(mine()))).isEmpty();
  }

  @Test
  void closingAStreamEarlyEndsItAndTheServiceKeepsWorking() {
    assumeCapability(Capability.STREAM);
    createMany(300);

    List<User> firstFew = new ArrayList<>();
    try (BlockingStream<User> users = BlockingStream.of(service.stream(mine()), 4)) {
      while (firstFew.size() < 3 && users.hasNext(WAIT)) {
        firstFew.add(users.next());
      }
    }

    assertThat(firstFew).hasSize(3);
    assertThat(service.list(UserQuery.firstPage(mine(), 1)).items()).hasSize(1);
  }

  @Test
  void streamWithAnInvalidFilterFailsWithInvalidArgument() {
    assumeCapability(Capability.STREAM);
    UserFilter filter = UserFilter.builder().minAge(9).maxAge(1).build();

    assertError(() -> BlockingStream.toList(service.stream(filter)), ErrorCode.INVALID_ARGUMENT);
  }

  // ---------------------------------------------------------------- bulk create

  @Test
  void createAllReportsPerItemResultsAndOneBadItemDoesNotAbortTheRest() {
    assumeCapability(Capability.BULK_CREATE);
    service.create(NewUser.of(tag + "Existing", email("existing")));

    List<CreateResult> results =
        service.createAll(
            List.of(
                NewUser.of(tag + "A", email("a")),
                NewUser.of("", "bad"),
                NewUser.of(tag + "B", email("b"), 20),
                NewUser.of(tag + "Dup", email("EXISTING")),
                NewUser.of(tag + "A twin", email("a"))));

    assertThat(results).extracting(CreateResult::index).containsExactly(0, 1, 2, 3, 4);
    assertThat(results)
        .extracting(CreateResult::succeeded)
        .containsExactly(true, false, true, false, false);
    assertThat(results.get(1).error().code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(fields(results.get(1).error())).containsExactlyInAnyOrder("name", "email");
    assertThat(results.get(3).error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(results.get(4).error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(service.get(results.get(2).user().id())).isEqualTo(results.get(2).user());
    assertThat(listAll())
        .extracting(User::name)
        .containsExactlyInAnyOrder(tag + "Existing", tag + "A", tag + "B");
  }

  @Test
  void createAllOfNothingReturnsNoResults() {
    assumeCapability(Capability.BULK_CREATE);

    assertThat(service.createAll(List.of())).isEmpty();
  }

  @Test
  void createAllOfManyUsersStoresThemAll() {
    assumeCapability(Capability.BULK_CREATE);

    List<CreateResult> results = service.createAll(newUsers(1_000));

    assertThat(results).allMatch(CreateResult::succeeded);
    assertThat(results.stream().map(r -> r.user().id()).collect(Collectors.toSet())).hasSize(1_000);
  }

  // ---------------------------------------------------------------- watch

  @Test
  void watchDeliversCreateUpdateAndDeleteInOrderWithIncreasingSequences() {
    assumeCapability(Capability.WATCH);
    try (LiveWatch watch = openWatch()) {
      User ada = service.create(NewUser.of(tag + "Ada", email("ada")));
      User older = service.update(ada.id(), UserUpdate.builder().age(37).build(), null);
      service.delete(ada.id(), null);

      List<UserEvent> events = watch.next(3, e -> e.user().id().equals(ada.id()));

      assertThat(events)
          .extracting(UserEvent::type)
          .containsExactly(UserEvent.Type.CREATED, UserEvent.Type.UPDATED, UserEvent.Type.DELETED);
      assertThat(events.get(0).user()).isEqualTo(ada);
      assertThat(events.get(1).user()).isEqualTo(older);
      assertThat(events).extracting(UserEvent::sequence).isSorted().doesNotHaveDuplicates();
      assertThat(events.get(0).sequence()).isGreaterThan(watch.probeSequence);
    }
  }

  @Test
  void watchFromASequenceReplaysOnlyLaterEvents() {
    assumeCapability(Capability.WATCH);
    long first;
    User bob;
    try (LiveWatch watch = openWatch()) {
      User ada = service.create(NewUser.of(tag + "Ada", email("ada")));
      bob = service.create(NewUser.of(tag + "Bob", email("bob")));
      first = watch.next(1, e -> e.user().id().equals(ada.id())).get(0).sequence();
    }

    try (BlockingStream<UserEvent> replay = BlockingStream.of(service.watch(first))) {
      UserEvent next;
      do {
        // Other writers (a shared deployment in black-box mode) may interleave: skip theirs.
        assertThat(replay.hasNext(WAIT)).isTrue();
        next = replay.next();
      } while (!next.user().name().startsWith(tag));
      assertThat(next.sequence()).isGreaterThan(first);
      assertThat(next.type()).isEqualTo(UserEvent.Type.CREATED);
      assertThat(next.user()).isEqualTo(bob);
    }
  }

  @Test
  void watchSeesBulkCreatedUsers() {
    assumeCapability(Capability.WATCH);
    assumeCapability(Capability.BULK_CREATE);
    try (LiveWatch watch = openWatch()) {
      List<CreateResult> results = service.createAll(newUsers(5));
      Set<String> ids = results.stream().map(r -> r.user().id()).collect(Collectors.toSet());

      List<UserEvent> events = watch.next(5, e -> ids.contains(e.user().id()));

      assertThat(events).extracting(UserEvent::type).containsOnly(UserEvent.Type.CREATED);
    }
  }

  @Test
  void closingAWatchEndsItAndTheServiceKeepsWorking() {
    assumeCapability(Capability.WATCH);
    OptionalInt openBefore = openWatchesUpstream();
    RecordingSubscriber closed = new RecordingSubscriber();
    service.watch(UserService.WATCH_FROM_NOW).subscribe(closed);
    long liveAt = closed.awaitLive();
    if (openBefore.isPresent()) {
      assertThat(openWatchesUpstream()).hasValue(openBefore.getAsInt() + 1);
    }

    closed.cancel();

    User ada;
    try (LiveWatch control = openWatch()) {
      // Written after the close: an open watch sees it, the closed one must not.
      ada = service.create(NewUser.of(tag + "Ada", email("ada")));
      assertThat(control.next(1, e -> e.user().id().equals(ada.id()))).hasSize(1);
      assertThat(closed.received())
          .as("events delivered to the closed watch")
          .allSatisfy(e -> assertThat(e.sequence()).isLessThan(control.probeSequence))
          .noneMatch(e -> e.user().id().equals(ada.id()));
      assertThat(control.probeSequence).isGreaterThan(liveAt);
      if (openBefore.isPresent()) {
        // Only the control watch is left upstream. A server streaming over HTTP/1.1 (SSE) learns
        // that its client left only when it next writes to it, so each check writes once more.
        AtomicInteger age = new AtomicInteger();
        Awaitility.await("the closed watch cancelled upstream")
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  service.update(
                      ada.id(),
                      UserUpdate.builder().age(age.incrementAndGet() % 150).build(),
                      null);
                  assertThat(openWatchesUpstream()).hasValue(openBefore.getAsInt() + 1);
                });
      }
    }
    assertThat(service.get(ada.id()).name()).isEqualTo(tag + "Ada");
  }

  @Test
  void watchFromANegativeSequenceOtherThanFromNowIsInvalidArgument() {
    assumeCapability(Capability.WATCH);

    assertError(
        () -> BlockingStream.of(service.watch(-2)).hasNext(WAIT), ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void watchFromASequenceAheadOfTheNewestEventIsInvalidArgument() {
    assumeCapability(Capability.WATCH);

    assertError(
        () -> BlockingStream.of(service.watch(Long.MAX_VALUE / 2)).hasNext(WAIT),
        ErrorCode.INVALID_ARGUMENT);
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void concurrentCreatesOfTheSameEmailLetExactlyOneWin() throws Exception {
    int threads = 8;
    List<Callable<User>> tasks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int n = i;
      tasks.add(() -> service.create(NewUser.of(tag + "Racer " + n, email("race"))));
    }

    List<Object> outcomes = runTogether(tasks);

    assertThat(outcomes).filteredOn(User.class::isInstance).hasSize(1);
    assertThat(outcomes)
        .filteredOn(UserException.class::isInstance)
        .hasSize(threads - 1)
        .allSatisfy(
            e -> assertThat(((UserException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(listAll()).hasSize(1);
  }

  @Test
  void concurrentConditionalUpdatesLoseNoUpdate() throws Exception {
    User counter = service.create(NewUser.of(tag + "Counter", email("counter"), 0));
    int threads = 6;
    int incrementsEach = 5;
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      tasks.add(
          () -> {
            int conflicts = 0;
            for (int done = 0; done < incrementsEach; ) {
              User current = service.get(counter.id());
              int next = current.age().getAsInt() + 1;
              try {
                service.update(
                    counter.id(), UserUpdate.builder().age(next).build(), current.etag());
                done++;
              } catch (UserException e) {
                if (e.code() != ErrorCode.PRECONDITION_FAILED) {
                  throw e;
                }
                conflicts++;
              }
            }
            return conflicts;
          });
    }

    List<Object> outcomes = runTogether(tasks);

    assertThat(outcomes).allMatch(Integer.class::isInstance);
    assertThat(service.get(counter.id()).age()).hasValue(threads * incrementsEach);
  }

  @Test
  void concurrentUnconditionalUpdatesAllApply() throws Exception {
    User ada = service.create(NewUser.of(tag + "Ada", email("ada"), 1));
    List<Callable<User>> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = i;
      tasks.add(
          () ->
              service.update(ada.id(), UserUpdate.builder().name(tag + "Name " + n).build(), null));
    }

    List<Object> outcomes = runTogether(tasks);

    assertThat(outcomes).allMatch(User.class::isInstance);
    Set<String> etags = new HashSet<>();
    outcomes.forEach(o -> etags.add(((User) o).etag()));
    assertThat(etags).hasSize(6);
  }

  // ---------------------------------------------------------------- health

  @Test
  void healthIsServing() {
    assertThat(service.health()).isEqualTo(HealthStatus.SERVING);
  }

  // ================================================================ helpers

  /**
   * Skips the calling case unless the implementation declares {@code capability}.
   *
   * @param capability the capability the case needs
   */
  protected final void assumeCapability(Capability capability) {
    assumeTrue(capabilities().contains(capability), "not supported: " + capability);
  }

  /**
   * An email in this case's own domain.
   *
   * @param local the part before the {@code @}
   * @return an address no other case uses
   */
  protected final String email(String local) {
    return local + "@" + domain;
  }

  /**
   * A filter matching exactly the users this case created.
   *
   * @return a name-prefix filter on {@link #tag}
   */
  protected final UserFilter mine() {
    return UserFilter.builder().namePrefix(tag).build();
  }

  /**
   * Every user of this case, through {@code list}.
   *
   * @return the users, in id order, read page by page
   */
  protected final List<User> listAll() {
    List<User> all = new ArrayList<>();
    UserQuery query = UserQuery.firstPage(mine(), 1000);
    while (true) {
      Page<User> page = service.list(query);
      all.addAll(page.items());
      if (!page.hasNextPage()) {
        return all;
      }
      query = query.withPageToken(page.nextPageToken());
    }
  }

  /**
   * Runs {@code call} and asserts it fails with a {@link UserException} of {@code code} and a
   * non-blank message.
   *
   * @param call the call expected to fail
   * @param code the expected code
   * @return the exception, for further assertions
   */
  protected static UserException assertError(ThrowingCallable call, ErrorCode code) {
    UserException error = catchThrowableOfType(UserException.class, call);
    assertThat(error).as("expected a UserException with code " + code).isNotNull();
    assertThat(error.code()).as("code of " + error).isEqualTo(code);
    assertThat(error.getMessage()).isNotBlank();
    return error;
  }

  private static List<String> fields(UserException error) {
    return error.violations().stream().map(FieldViolation::field).toList();
  }

  private List<NewUser> newUsers(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> NewUser.of(tag + "User " + i, email("user" + i), i % 100))
        .toList();
  }

  private List<User> createMany(int count) {
    List<User> users = new ArrayList<>(count);
    for (NewUser newUser : newUsers(count)) {
      users.add(service.create(newUser));
    }
    return users;
  }

  private static <T> List<Object> runTogether(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    return (Object) task.call();
                  } catch (UserException e) {
                    return e;
                  }
                }));
      }
      start.countDown();
      List<Object> outcomes = new ArrayList<>();
      for (Future<Object> future : futures) {
        outcomes.add(future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Opens a watch from now and proves it is live: a subscription to a remote server may be set up
   * after the call returns, so a probe user is written (and rewritten) until its event arrives.
   * Events after {@link LiveWatch#probeSequence} are then guaranteed to be seen.
   */
  private LiveWatch openWatch() {
    BlockingStream<UserEvent> events = BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW));
    User probe = service.create(NewUser.of(tag + "Probe", email("probe-" + UUID.randomUUID()), 0));
    for (int attempt = 1; attempt <= 50; attempt++) {
      try {
        while (events.hasNext(Duration.ofMillis(200))) {
          UserEvent event = events.next();
          if (event.user().id().equals(probe.id())) {
            service.delete(probe.id(), null);
            return new LiveWatch(events, event.sequence());
          }
        }
        break;
      } catch (UserException e) {
        if (e.code() != ErrorCode.DEADLINE_EXCEEDED) {
          events.close();
          throw e;
        }
        probe = service.update(probe.id(), UserUpdate.builder().age(attempt % 150).build(), null);
      }
    }
    events.close();
    throw new AssertionError("the watch never delivered the probe user's events");
  }

  /**
   * A watch subscriber that keeps every event it is given, also after it cancelled, so that a case
   * can see what a closed watch still received ({@link BlockingStream} drops those).
   */
  private final class RecordingSubscriber implements Flow.Subscriber<UserEvent> {
    private final BlockingQueue<UserEvent> unread = new LinkedBlockingQueue<>();
    private final List<UserEvent> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.complete(s);
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(UserEvent event) {
      received.add(event);
      unread.add(event);
    }

    @Override
    public void onError(Throwable error) {}

    @Override
    public void onComplete() {}

    /** Writes a probe user until its event arrives (see {@link #openWatch()}); its sequence. */
    long awaitLive() {
      User probe =
          service.create(NewUser.of(tag + "Probe", email("probe-" + UUID.randomUUID()), 0));
      for (int attempt = 1; attempt <= 50; attempt++) {
        try {
          for (UserEvent e = unread.poll(200, TimeUnit.MILLISECONDS);
              e != null;
              e = unread.poll(200, TimeUnit.MILLISECONDS)) {
            if (e.user().id().equals(probe.id())) {
              service.delete(probe.id(), null);
              return e.sequence();
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
        probe = service.update(probe.id(), UserUpdate.builder().age(attempt % 150).build(), null);
      }
      throw new AssertionError("the watch never delivered the probe user's events");
    }

    void cancel() {
      subscription.join().cancel();
    }

    List<UserEvent> received() {
      return List.copyOf(received);
    }
  }

  private static final class LiveWatch implements AutoCloseable {
    final BlockingStream<UserEvent> events;
    final long probeSequence;

    LiveWatch(BlockingStream<UserEvent> events, long probeSequence) {
      this.events = events;
      this.probeSequence = probeSequence;
    }

    /** The next {@code count} events that match, skipping others (such as the probe's). */
    List<UserEvent> next(int count, java.util.function.Predicate<UserEvent> matching) {
      List<UserEvent> found = new ArrayList<>();
      while (found.size() < count) {
        assertThat(events.hasNext(WAIT)).as("watch ended early").isTrue();
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
