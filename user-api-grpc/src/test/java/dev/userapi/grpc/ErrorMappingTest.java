package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.proto.v1.GetUserRequest;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The wire contract of errors, seen by a raw generated stub and by {@link GrpcUserClient}, over
 * Netty.
 */
class ErrorMappingTest {
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private GrpcFixture fixture;
  private UserServiceGrpc.UserServiceBlockingStub rawStub;

  @BeforeEach
  void start() {
    fixture =
        GrpcFixture.netty(
            new ForwardingUserService(DefaultUserService.inMemory()) {
              @Override
              public User get(String id) {
                throw failure.get();
              }
            });
    rawStub = UserServiceGrpc.newBlockingStub(fixture.channel);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void everyErrorCodeTravelsAsItsStatusWithErrorInfo(ErrorCode code) {
    failure.set(new UserException(code, "message for " + code));

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> rawStub.getUser(request()));

    Status.Code expected =
        code == ErrorCode.PRECONDITION_FAILED
            ? Status.Code.ABORTED
            : Status.Code.valueOf(code.name());
    assertThat(e.getStatus().getCode()).isEqualTo(expected);
    assertThat(e.getStatus().getDescription()).isEqualTo("message for " + code);
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertThat(details).isNotNull();
    assertThat(unpack(details.getDetailsList(), ErrorInfo.class))
        .isEqualTo(ErrorInfo.newBuilder().setReason(code.name()).setDomain("userapi.dev").build());
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void everyErrorCodeArrivesAtTheClientAsTheSameUserException(ErrorCode code) {
    failure.set(new UserException(code, "message for " + code));

    UserException e = catchThrowableOfType(UserException.class, () -> fixture.client.get(anyId()));

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.getMessage()).isEqualTo("message for " + code);
  }

  @Test
  void fieldViolationsTravelAsBadRequestAndComeBackToTheClient() {
    List<FieldViolation> violations =
        List.of(
            new FieldViolation("name", "is required"),
            new FieldViolation("age", "must be between 0 and 150"));
    failure.set(UserException.invalidArgument(violations));

    StatusRuntimeException raw =
        catchThrowableOfType(StatusRuntimeException.class, () -> rawStub.getUser(request()));
    BadRequest badRequest =
        unpack(StatusProto.fromThrowable(raw).getDetailsList(), BadRequest.class);
    assertThat(badRequest.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField, BadRequest.FieldViolation::getDescription)
        .containsExactly(tuple("name", "is required"), tuple("age", "must be between 0 and 150"));

    UserException e = catchThrowableOfType(UserException.class, () -> fixture.client.get(anyId()));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(e.violations()).isEqualTo(violations);
  }

  @Test
  void anUnexpectedExceptionBecomesATerseInternalErrorWithoutItsMessage() {
    failure.set(new IllegalStateException("secret connection string jdbc:postgresql://db/prod"));

    StatusRuntimeException raw =
        catchThrowableOfType(StatusRuntimeException.class, () -> rawStub.getUser(request()));

    assertThat(raw.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(raw.getStatus().getDescription())
        .startsWith("internal error (id ")
        .doesNotContain("secret")
        .doesNotContain("IllegalStateException");
    assertThat(raw.getTrailers().toString()).doesNotContain("secret");
    assertThat(catchThrowableOfType(UserException.class, () -> fixture.client.get(anyId())).code())
        .isEqualTo(ErrorCode.INTERNAL);
  }

  private static GetUserRequest request() {
    return GetUserRequest.newBuilder().setId(anyId()).build();
  }

  private static String anyId() {
    return "01890a5d-ac96-774b-bcce-b302099a8057";
  }

  private static <T extends com.google.protobuf.Message> T unpack(
      List<Any> details, Class<T> type) {
    for (Any detail : details) {
      if (detail.is(type)) {
        try {
          return detail.unpack(type);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + details);
  }
}
