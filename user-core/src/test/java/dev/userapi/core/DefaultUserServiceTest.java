package dev.userapi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
}
