package dev.userapi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitedUserServiceTest {
  private final LimitedUserService service =
      LimitedUserService.builder(DefaultUserService.inMemory())
          .maxConcurrentWatches(2)
          .maxConcurrentStreams(1)
          .build();

  @Test
  void watchOverTheCapIsResourceExhaustedAndOthersKeepWorking() {
    try (BlockingStream<UserEvent> first =
            BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW));
        BlockingStream<UserEvent> second =
            BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW));
        BlockingStream<UserEvent> third =
            BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW))) {
      assertThatThrownBy(() -> third.hasNext(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              UserException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED))
          .hasMessageContaining("limit 2");

      service.create(NewUser.of("Ada", "ada@example.com"));

      assertThat(first.next().type()).isEqualTo(UserEvent.Type.CREATED);
      assertThat(second.next().type()).isEqualTo(UserEvent.Type.CREATED);
      assertThat(service.openWatches()).isEqualTo(2);
    }
    assertThat(service.openWatches()).isZero();
  }

  @Test
  void closingAWatchFreesItsPlace() {
    BlockingStream<UserEvent> a = BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW));
    BlockingStream<UserEvent> b = BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW));
    a.close();

    try (BlockingStream<UserEvent> c =
        BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW))) {
      service.create(NewUser.of("Ada", "ada@example.com"));
      assertThat(c.next().user().name()).isEqualTo("Ada");
    }
    b.close();
  }

  @Test
  void completedStreamsFreeTheirPlace() {
    service.createAll(List.of(NewUser.of("A", "a@example.com"), NewUser.of("B", "b@example.com")));

    for (int i = 0; i < 5; i++) {
      assertThat(BlockingStream.toList(service.stream(UserFilter.all()))).hasSize(2);
    }
    assertThat(service.openStreams()).isZero();
  }

  @Test
  void failedStreamFreesItsPlace() {
    UserFilter invalid = UserFilter.builder().minAge(9).maxAge(1).build();
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> BlockingStream.toList(service.stream(invalid)))
          .isInstanceOfSatisfying(
              UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
    assertThat(service.openStreams()).isZero();
  }
}
