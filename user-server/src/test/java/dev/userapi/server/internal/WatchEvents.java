package dev.userapi.server.internal;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.internal.IteratorPublisher;
import java.util.concurrent.Flow;
import java.util.stream.LongStream;

/**
 * A real service whose watch replays a given number of events and then completes, or fails at once:
 * the upstream the TCK needs under the server's watch wrappers (a real watch never ends).
 */
final class WatchEvents extends ForwardingUserService {
  private final long events;
  private final boolean failing;
  private final User user;

  private WatchEvents(long events, boolean failing) {
    super(DefaultUserService.inMemory());
    this.events = events;
    this.failing = failing;
    this.user = create(NewUser.of("Ada", "ada@tck.example.com", 36));
  }

  static WatchEvents thatEndAfter(long events) {
    return new WatchEvents(events, false);
  }

  static WatchEvents thatFail() {
    return new WatchEvents(0, true);
  }

  @Override
  public Flow.Publisher<UserEvent> watch(long afterSequence) {
    if (failing) {
      return new IteratorPublisher<>(
          () -> {
            throw new UserException(ErrorCode.UNAVAILABLE, "the change feed is down");
          });
    }
    return new IteratorPublisher<>(
        () ->
            LongStream.range(0, events)
                .mapToObj(i -> new UserEvent(i + 1, UserEvent.Type.UPDATED, user))
                .iterator());
  }
}
