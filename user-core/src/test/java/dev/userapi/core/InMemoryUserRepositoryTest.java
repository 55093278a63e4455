package dev.userapi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class InMemoryUserRepositoryTest {

  @Test
  void watcherThatFallsAWholeRingBehindIsEndedWithResourceExhausted() {
    DefaultUserService service =
        DefaultUserService.builder().repository(new InMemoryUserRepository(4)).build();
    try (BlockingStream<UserEvent> slow =
        BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW), 1)) {
      for (int i = 0; i < 10; i++) {
        service.create(NewUser.of("U" + i, "u" + i + "@example.com"));
      }

      assertThatThrownBy(
              () -> {
                while (slow.hasNext(Duration.ofSeconds(10))) {
                  slow.next();
                }
              })
          .isInstanceOfSatisfying(
              UserException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED))
          .hasMessageContaining("watch again after sequence");
    }
    // Writers were never slowed or blocked by the stuck watcher.
    assertThat(service.list(UserQuery.firstPage(100)).items()).hasSize(10);
  }

  @Test
  void watchFromASequenceNoLongerRetainedIsInvalidArgument() {
    DefaultUserService service =
        DefaultUserService.builder().repository(new InMemoryUserRepository(4)).build();
    for (int i = 0; i < 10; i++) {
      service.create(NewUser.of("U" + i, "u" + i + "@example.com"));
    }

    assertThatThrownBy(() -> BlockingStream.toList(service.watch(1)))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("older than the oldest retained");
  }

  @Test
  void cancelledWatchIsForgotten() {
    InMemoryUserRepository store = new InMemoryUserRepository();
    DefaultUserService service = DefaultUserService.of(store);
    BlockingStream<UserEvent> watch = BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW));
    service.create(NewUser.of("A", "a@example.com"));
    assertThat(watch.next().type()).isEqualTo(UserEvent.Type.CREATED);

    watch.close();
    service.create(NewUser.of("B", "b@example.com"));

    assertThat(store.watcherCount()).isZero();
  }

  @Test
  void insertAllLongerThanTheRetentionKeepsAWatcherWithDemandInStep() {
    InMemoryUserRepository store = new InMemoryUserRepository(8);
    DefaultUserService service = DefaultUserService.of(store);
    List<NewUser> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(NewUser.of("U" + i, "u" + i + "@example.com"));
    }
    try (BlockingStream<UserEvent> watch =
        BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW), 1_000)) {
      List<CreateResult> results = service.createAll(batch);

      List<UserEvent> events = new ArrayList<>();
      while (events.size() < 100 && watch.hasNext(Duration.ofSeconds(10))) {
        events.add(watch.next());
      }
      // One CREATED event per user, in the batch's order, with consecutive sequences.
      assertThat(events).extracting(UserEvent::type).containsOnly(UserEvent.Type.CREATED);
      assertThat(events)
          .extracting(UserEvent::user)
          .containsExactlyElementsOf(results.stream().map(CreateResult::user).toList());
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).sequence()).isEqualTo(events.get(i - 1).sequence() + 1);
      }
    }
  }

  @Test
  void insertAllOfATakenIdFailsThatItemAndLeavesItsEmailFree() {
    InMemoryUserRepository store = new InMemoryUserRepository();
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    String id = "01900000-0000-7000-8000-000000000001";
    User first = new User(id, "First", "first@example.com", OptionalInt.empty(), now, now, 1);
    store.insert(first, null);
    User sameId = new User(id, "Twin", "twin@example.com", OptionalInt.empty(), now, now, 1);
    User other =
        new User(
            "01900000-0000-7000-8000-000000000002",
            "Other",
            "other@example.com",
            OptionalInt.empty(),
            now,
            now,
            1);

    List<CreateResult> results = store.insertAll(List.of(sameId, other));

    assertThat(results).extracting(CreateResult::succeeded).containsExactly(false, true);
    assertThat(results.get(0).error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(store.findById(id)).contains(first);
    // The failed item's email was not left claimed.
    User twin =
        new User(
            "01900000-0000-7000-8000-000000000003",
            "Twin",
            "TWIN@example.com",
            OptionalInt.empty(),
            now,
            now,
            1);
    assertThat(store.insert(twin, null)).isEqualTo(twin);
    assertThat(store.size()).isEqualTo(3);
  }
}
