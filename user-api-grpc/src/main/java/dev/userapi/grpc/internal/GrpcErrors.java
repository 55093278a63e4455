package dev.userapi.grpc.internal;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.UserException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one translation between {@link UserException} and gRPC status, both ways. Out: the code per
 * the DESIGN.md table, the caller-safe message as description, and {@code google.rpc.Status}
 * details ({@code ErrorInfo} with reason = {@link ErrorCode} name and domain {@value #DOMAIN}, plus
 * {@code BadRequest} for field violations). Anything that is not a {@code UserException} is a bug:
 * it is logged with an id and sent as a terse INTERNAL carrying only that id. Back: the same {@code
 * UserException} (code, message, violations).
 *
 * <p>Not API: used by userapi modules only.
 */
public final class GrpcErrors {
  /** The {@code ErrorInfo.domain} of every userapi error. */
  public static final String DOMAIN = "userapi.dev";

  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  /** The exception to pass to {@code StreamObserver.onError} for {@code error}. */
  public static StatusRuntimeException toStatusException(Throwable error) {
    return StatusProto.toStatusRuntimeException(toRpcStatus(error));
  }

  /** The {@code google.rpc.Status} for {@code error}, also used for per-item results. */
  public static com.google.rpc.Status toRpcStatus(Throwable error) {
    UserException userError = error instanceof UserException e ? e : internal(error);
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(grpcCode(userError.code()).value())
            .setMessage(userError.getMessage())
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason(userError.code().name())
                        .setDomain(DOMAIN)
                        .build()));
    if (!userError.violations().isEmpty()) {
      BadRequest.Builder badRequest = BadRequest.newBuilder();
      for (FieldViolation violation : userError.violations()) {
        badRequest
            .addFieldViolationsBuilder()
            .setField(violation.field())
            .setDescription(violation.description());
      }
      status.addDetails(Any.pack(badRequest.build()));
    }
    return status.build();
  }

  /**
   * The {@code UserException} a client should throw for a failed call: rebuilt from the details
   * when the server is a userapi server, otherwise derived from the status code.
   */
  public static UserException toUserException(Throwable error) {
    if (error instanceof UserException e) {
      return e;
    }
    com.google.rpc.Status rpcStatus = StatusProto.fromThrowable(error);
    if (rpcStatus != null) {
      return fromRpcStatus(rpcStatus, error);
    }
    Status status = Status.fromThrowable(error);
    String message =
        status.getDescription() != null ? status.getDescription() : status.getCode().name();
    return new UserException(errorCode(status.getCode()), message, List.of(), error);
  }

  /** The {@code UserException} that a {@code google.rpc.Status} (call or per-item) describes. */
  public static UserException fromRpcStatus(com.google.rpc.Status rpcStatus, Throwable cause) {
    Status.Code grpcCode = Status.fromCodeValue(rpcStatus.getCode()).getCode();
    ErrorCode code = errorCode(grpcCode);
    List<FieldViolation> violations = new ArrayList<>();
    for (Any detail : rpcStatus.getDetailsList()) {
      try {
        if (detail.is(ErrorInfo.class)) {
          ErrorInfo info = detail.unpack(ErrorInfo.class);
          if (DOMAIN.equals(info.getDomain())) {
            code = errorCodeNamed(info.getReason(), code);
          }
        } else if (detail.is(BadRequest.class)) {
          for (BadRequest.FieldViolation v :
              detail.unpack(BadRequest.class).getFieldViolationsList()) {
            violations.add(new FieldViolation(v.getField(), v.getDescription()));
          }
        }
      } catch (InvalidProtocolBufferException e) {
        // A malformed detail carries nothing we can use; the status code still stands.
      }
    }
    String message = rpcStatus.getMessage().isEmpty() ? grpcCode.name() : rpcStatus.getMessage();
    return new UserException(code, message, violations, cause);
  }

  /** The gRPC status code an {@link ErrorCode} is sent as. */
  public static Status.Code grpcCode(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
      case PRECONDITION_FAILED -> Status.Code.ABORTED;
      case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
      case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
      case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  /** The {@link ErrorCode} for a status from a server that sent no userapi {@code ErrorInfo}. */
  static ErrorCode errorCode(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> ErrorCode.INVALID_ARGUMENT;
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
      case ABORTED -> ErrorCode.PRECONDITION_FAILED;
      case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
      case PERMISSION_DENIED -> ErrorCode.PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED -> ErrorCode.RESOURCE_EXHAUSTED;
      case DEADLINE_EXCEEDED -> ErrorCode.DEADLINE_EXCEEDED;
      case UNAVAILABLE, CANCELLED -> ErrorCode.UNAVAILABLE;
      default -> ErrorCode.INTERNAL;
    };
  }

  private static ErrorCode errorCodeNamed(String reason, ErrorCode fallback) {
    for (ErrorCode code : ErrorCode.values()) {
      if (code.name().equals(reason)) {
        return code;
      }
    }
    return fallback;
  }

  private static UserException internal(Throwable error) {
    String id = UUID.randomUUID().toString();
    log.error("Unexpected failure (error id {})", id, error);
    return new UserException(ErrorCode.INTERNAL, "internal error (id " + id + ")");
  }
}
