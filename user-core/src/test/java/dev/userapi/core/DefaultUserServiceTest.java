package dev.userapi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Behaviour of the default service that the contract leaves to each implementation. */
class DefaultUserServiceTest {

  @Test
  void pageSizeAboveTheMaximumIsCoercedNotRejected() {
    DefaultUserService service = DefaultUserService.inMemory();
    List<NewUser> users = new ArrayList<>();
    for (int i = 0; i < DefaultUserService.MAX_PAGE_SIZE + 5; i++) {
      users.add(NewUser.of("U" + i, "u" + i + "@example.com"));
    }
    service.createAll(users);

    Page<User> page = service.list(UserQuery.firstPage(1_000_000));

    assertThat(page.items()).hasSize(DefaultUserService.MAX_PAGE_SIZE);
    assertThat(page.hasNextPage()).isTrue();
  }

  @Test
  void batchAboveTheLimitIsResourceExhaustedAndStoresNothing() {
    InMemoryUserRepository store = new InMemoryUserRepository();
    DefaultUserService service =
        DefaultUserService.builder().repository(store).maxBatchSize(2).build();

    assertThatThrownBy(
            () ->
                service.createAll(
                    List.of(
                        NewUser.of("A", "a@x.io"),
                        NewUser.of("B", "b@x.io"),
                        NewUser.of("C", "c@x.io"))))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED));
    assertThat(store.size()).isZero();
  }

  @Test
  void createAllReportsEveryViolationOfEveryItemAndStampsTheValidOnesInOrder() {
    Instant now = Instant.parse("2026-11-25T10:15:30.123456789Z");
    DefaultUserService service =
        DefaultUserService.builder()
            .repository(new InMemoryUserRepository())
            .clock(Clock.fixed(now, ZoneOffset.UTC))
            .build();
    List<NewUser> batch = new ArrayList<>();
    batch.add(NewUser.of("A", "a@Example.COM"));
    batch.add(new NewUser(" ", "no-at", java.util.OptionalInt.of(151)));
    batch.add(null);
    batch.add(NewUser.of("B", "b@example.com", 30));
    batch.add(NewUser.of("C\u0000", "c@example.com"));
    batch.add(NewUser.of("D", "d@example.com"));

    List<CreateResult> results = service.createAll(batch);

    assertThat(results).extracting(CreateResult::index).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(results)
        .extracting(CreateResult::succeeded)
        .containsExactly(true, false, false, true, false, true);
    assertThat(results.get(1).error().violations())
        .extracting(FieldViolation::field)
        .containsExactly("name", "email", "age");
    assertThat(results.get(2).error().violations())
        .extracting(FieldViolation::field)
        .containsExactly("user");
    assertThat(results.get(4).error().violations())
        .extracting(FieldViolation::field)
        .containsExactly("name");
    List<User> created =
        results.stream().filter(CreateResult::succeeded).map(CreateResult::user).toList();
    assertThat(created)
        .extracting(User::email)
        .containsExactly("a@example.com", "b@example.com", "d@example.com");
    // Ids increase in the batch's order; every user carries the clock's time, to the microsecond.
    assertThat(created).extracting(User::id).isSorted().doesNotHaveDuplicates();
    assertThat(created)
        .allSatisfy(
            u -> {
              assertThat(u.createTime()).isEqualTo(Instant.parse("2026-11-25T10:15:30.123456Z"));
              assertThat(u.updateTime()).isEqualTo(u.createTime());
              assertThat(u.version()).isEqualTo(1);
              assertThat(service.get(u.id())).isEqualTo(u);
            });
  }

  @Test
  void overlongRequestIdIsInvalidArgument() {
    assertThatThrownBy(
            () -> DefaultUserService.inMemory().create(NewUser.of("A", "a@x.io"), "r".repeat(129)))
        .isInstanceOfSatisfying(
            UserException.class,
            e ->
                assertThat(e.violations())
                    .extracting(FieldViolation::field)
                    .containsExactly("requestId"));
  }

  @Test
  void timestampsComeFromTheClockAtMicrosecondPrecision() {
    Instant now = Instant.parse("2026-11-25T10:15:30.123456789Z");
    DefaultUserService service =
        DefaultUserService.builder()
            .repository(new InMemoryUserRepository())
            .clock(Clock.fixed(now, ZoneOffset.UTC))
            .build();

    User user = service.create(NewUser.of("Ada", "ada@example.com"));

    assertThat(user.createTime()).isEqualTo(Instant.parse("2026-11-25T10:15:30.123456Z"));
  }

  @Test
  void idsAreAcceptedInAnyCaseAndWithSurroundingSpace() {
    DefaultUserService service = DefaultUserService.inMemory();
    User ada = service.create(NewUser.of("Ada", "ada@example.com"));

    assertThat(service.get(" " + ada.id().toUpperCase() + " ")).isEqualTo(ada);
  }

  @Test
  void cancelledStreamStopsReadingTheStore() {
    AtomicInteger scans = new AtomicInteger();
    InMemoryUserRepository store = new InMemoryUserRepository();
    UserRepository counting =
        new UserRepository() {
          @Override
          public User insert(User user, String requestId) {
            return store.insert(user, requestId);
          }

          @Override
          public java.util.Optional<User> findById(String id) {
            return store.findById(id);
          }

          @Override
          public User update(User user, long expectedVersion) {
            return store.update(user, expectedVersion);
          }

          @Override
          public java.util.Optional<User> delete(
              String id, java.util.OptionalLong expectedVersion) {
            return store.delete(id, expectedVersion);
          }

          @Override
          public List<User> scan(UserFilter filter, String afterId, int limit) {
            scans.incrementAndGet();
            return store.scan(filter, afterId, limit);
          }

          @Override
          public java.util.concurrent.Flow.Publisher<UserEvent> changes(long afterSequence) {
            return store.changes(afterSequence);
          }
        };
    DefaultUserService service = DefaultUserService.of(counting);
    List<NewUser> users = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      users.add(NewUser.of("U" + i, "u" + i + "@example.com"));
    }
    service.createAll(users);

    try (BlockingStream<User> stream = BlockingStream.of(service.stream(UserFilter.all()), 4)) {
      for (int i = 0; i < 10; i++) {
        stream.next();
      }
    }

    // 5,000 users are 20 scan batches; a cancelled stream read only the first.
    assertThat(scans.get()).isEqualTo(1);
  }

  @Test
  void pageTokenSecretShorterThan16BytesIsRejectedWithItsLength() {
    DefaultUserService.Builder builder = DefaultUserService.builder();

    assertThatThrownBy(() -> builder.pageTokenSecret(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pageTokenSecret: 15 bytes (expected: >= 16 bytes)");
  }

  @Test
  void nullPageTokenSecretIsRejectedByName() {
    DefaultUserService.Builder builder = DefaultUserService.builder();

    assertThatThrownBy(() -> builder.pageTokenSecret(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("secret");
  }

  @Test
  void pageTokenSecretIsCopiedSoLaterChangesToTheArrayDoNotMatter() {
    InMemoryUserRepository store = storeWithUsers(3);
    byte[] secret = secret(7);
    DefaultUserService issuer =
        DefaultUserService.builder().repository(store).pageTokenSecret(secret).build();
    String token = issuer.list(UserQuery.firstPage(1)).nextPageToken();
    secret[0]++;

    DefaultUserService checker =
        DefaultUserService.builder().repository(store).pageTokenSecret(secret(7)).build();

    assertThat(checker.list(UserQuery.firstPage(1).withPageToken(token)).items()).hasSize(1);
  }

  @Test
  void servicesOverOneInMemoryStoreAcceptEachOthersPageTokens() {
    InMemoryUserRepository store = storeWithUsers(3);
    String token = DefaultUserService.of(store).list(UserQuery.firstPage(2)).nextPageToken();

    Page<User> rest =
        DefaultUserService.of(store).list(UserQuery.firstPage(2).withPageToken(token));

    assertThat(rest.items()).hasSize(1);
  }

  @Test
  void servicesOverAStoreWithoutASharedSecretRefuseEachOthersPageTokens() {
    UserRepository store = new SecretStore(storeWithUsers(3), Optional::empty);
    String token = DefaultUserService.of(store).list(UserQuery.firstPage(2)).nextPageToken();

    assertInvalidPageToken(DefaultUserService.of(store), token);
  }

  @Test
  void theBuildersSecretWinsOverTheStores() {
    InMemoryUserRepository store = storeWithUsers(3);
    DefaultUserService explicit =
        DefaultUserService.builder().repository(store).pageTokenSecret(secret(1)).build();
    DefaultUserService sameKey =
        DefaultUserService.builder().repository(store).pageTokenSecret(secret(1)).build();
    String token = explicit.list(UserQuery.firstPage(2)).nextPageToken();

    assertThat(sameKey.list(UserQuery.firstPage(2).withPageToken(token)).items()).hasSize(1);
    assertInvalidPageToken(DefaultUserService.of(store), token);
  }

  @Test
  void aStoreThatCannotGiveItsSecretNowFailsTheListAndIsAskedAgainNextTime() {
    AtomicInteger asked = new AtomicInteger();
    byte[] shared = secret(9);
    UserRepository store =
        new SecretStore(
            storeWithUsers(3),
            () -> {
              if (asked.incrementAndGet() == 1) {
                throw new UserException(ErrorCode.UNAVAILABLE, "the store is down");
              }
              return Optional.of(shared.clone());
            });
    DefaultUserService service = DefaultUserService.of(store);

    assertThatThrownBy(() -> service.list(UserQuery.firstPage(2)))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    String token = service.list(UserQuery.firstPage(2)).nextPageToken();

    assertThat(asked.get()).isEqualTo(2);
    DefaultUserService other =
        DefaultUserService.builder().repository(store).pageTokenSecret(shared).build();
    assertThat(other.list(UserQuery.firstPage(2).withPageToken(token)).items()).hasSize(1);
  }

  @Test
  void theStoresSecretIsAskedForOnceAndOnlyWhenATokenIsNeeded() {
    AtomicInteger asked = new AtomicInteger();
    UserRepository store =
        new SecretStore(
            storeWithUsers(3),
            () -> {
              asked.incrementAndGet();
              return Optional.of(secret(3));
            });
    DefaultUserService service = DefaultUserService.of(store);
    service.list(UserQuery.firstPage(10));
    assertThat(asked.get()).as("a single page needs no token").isZero();

    for (int i = 0; i < 3; i++) {
      service.list(UserQuery.firstPage(1));
    }

    assertThat(asked.get()).isEqualTo(1);
  }

  @Test
  void aStoreSecretShorterThan16BytesIsAnIllegalState() {
    UserRepository store = new SecretStore(storeWithUsers(3), () -> Optional.of(new byte[8]));

    assertThatThrownBy(() -> DefaultUserService.of(store).list(UserQuery.firstPage(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the repository's pageTokenSecret: 8 bytes (expected: >= 16 bytes)");
  }

  private static InMemoryUserRepository storeWithUsers(int count) {
    InMemoryUserRepository store = new InMemoryUserRepository();
    DefaultUserService service = DefaultUserService.of(store);
    for (int i = 0; i < count; i++) {
      service.create(NewUser.of("U" + i, "u" + i + "@example.com"));
    }
    return store;
  }

  private static byte[] secret(int seed) {
    byte[] secret = new byte[32];
    java.util.Arrays.fill(secret, (byte) seed);
    return secret;
  }

  private static void assertInvalidPageToken(UserService service, String token) {
    assertThatThrownBy(() -> service.list(UserQuery.firstPage(2).withPageToken(token)))
        .isInstanceOfSatisfying(
            UserException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.violations())
                  .extracting(FieldViolation::field)
                  .containsExactly("pageToken");
            });
  }

  /** An in-memory store whose shared secret comes from {@code secret}. */
  private static final class SecretStore implements UserRepository {
    private final InMemoryUserRepository store;
    private final Supplier<Optional<byte[]>> secret;

    SecretStore(InMemoryUserRepository store, Supplier<Optional<byte[]>> secret) {
      this.store = store;
      this.secret = secret;
    }

    @Override
    public Optional<byte[]> pageTokenSecret() {
      return secret.get();
    }

    @Override
    public User insert(User user, String requestId) {
      return store.insert(user, requestId);
    }

    @Override
    public Optional<User> findById(String id) {
      return store.findById(id);
    }

    @Override
    public User update(User user, long expectedVersion) {
      return store.update(user, expectedVersion);
    }

    @Override
    public Optional<User> delete(String id, OptionalLong expectedVersion) {
      return store.delete(id, expectedVersion);
    }

    @Override
    public List<User> scan(UserFilter filter, String afterId, int limit) {
      return store.scan(filter, afterId, limit);
    }

    @Override
    public Flow.Publisher<UserEvent> changes(long afterSequence) {
      return store.changes(afterSequence);
    }
  }
}
