package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service may refuse a stream or a watch by throwing from {@code stream()}/{@code watch()}
 * instead of through the publisher; the caller must still get the same code, not gRPC's UNKNOWN.
 */
class EagerStreamFailureTest {
  private GrpcFixture fixture;

  @BeforeEach
  void start() {
    fixture =
        GrpcFixture.netty(
            new dev.userapi.core.ForwardingUserService(DefaultUserService.inMemory()) {
              @Override
              public Flow.Publisher<dev.userapi.core.User> stream(UserFilter filter) {
                throw new UserException(ErrorCode.RESOURCE_EXHAUSTED, "too many streams");
              }

              @Override
              public Flow.Publisher<UserEvent> watch(long afterSequence) {
                throw new UserException(ErrorCode.UNAVAILABLE, "draining");
              }
            });
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void streamRefusedAtOnceKeepsItsCode() {
    UserException error =
        catchThrowableOfType(
            UserException.class,
            () -> BlockingStream.toList(fixture.client.stream(UserFilter.all())));

    assertThat(error.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(error.getMessage()).contains("too many streams");
  }

  @Test
  void watchRefusedAtOnceKeepsItsCode() {
    UserException error =
        catchThrowableOfType(
            UserException.class, () -> BlockingStream.toList(fixture.client.watch(0)));

    assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }
}
