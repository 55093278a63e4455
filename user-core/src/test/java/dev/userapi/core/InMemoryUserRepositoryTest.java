package dev.userapi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
}
