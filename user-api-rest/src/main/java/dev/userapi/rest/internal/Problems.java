package dev.userapi.rest.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.UserException;
import dev.userapi.rest.internal.Dtos.ProblemDto;
import dev.userapi.rest.internal.Dtos.ViolationDto;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything about REST errors, in one place: the table from {@link ErrorCode} to HTTP status and
 * back (DESIGN.md's error table), the problem document ({@link ProblemDto}) both ways, and the
 * translation of any failure into an RFC 9457 {@code application/problem+json} response, on which
 * every exception mapper of {@link ExceptionMappers} relies. Bodies never carry stack traces, class
 * names or parser internals; unexpected failures are logged with an id that the terse 500 body
 * repeats.
 *
 * <p>Thread-safe and stateless. Not API: used by userapi modules only.
 */
public final class Problems {
  /** Problem types are this prefix plus the lower-case, dashed error code. */
  public static final String PROBLEM_TYPE_PREFIX = "https://userapi.dev/problems/";

  /** {@code application/problem+json}. */
  public static final String PROBLEM_JSON = "application/problem+json";

  public static final MediaType PROBLEM_JSON_TYPE = MediaType.valueOf(PROBLEM_JSON);

  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  private static final SecureRandom random = new SecureRandom();

  /** Headers of a runtime's error response worth keeping on the problem response. */
  private static final Set<String> KEPT_HEADERS =
      Set.of(HttpHeaders.ALLOW, HttpHeaders.WWW_AUTHENTICATE, HttpHeaders.RETRY_AFTER);

  private Problems() {}

  /** The problem response for {@code error}, whatever it is. */
  public static Response toResponse(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof UserException e) {
        return fromUserException(e, statusOf(e.code()));
      }
      if (t instanceof BodyTooLargeException e) {
        return bodyTooLarge(e.limit());
      }
      if (t instanceof JsonProcessingException e) {
        return fromUserException(fromJson(e), 400);
      }
      if (t instanceof WebApplicationException e) {
        return fromWebApplication(e);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return internal(error);
  }

  /**
   * The answer to a failure to read the request: 408 (DEADLINE_EXCEEDED) with {@code Connection:
   * close} when the body stopped arriving (a transport read timeout, a {@link TimeoutException}
   * somewhere in the cause chain), since that is the client's doing and the rest of the body will
   * not come; otherwise as {@link #toResponse(Throwable)}.
   */
  public static Response fromRead(IOException error) {
    for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        log.debug("a request body stopped arriving; closing its connection");
        Response timeout =
            fromUserException(
                new UserException(ErrorCode.DEADLINE_EXCEEDED, "the request body stopped arriving"),
                408);
        return Response.fromResponse(timeout).header("Connection", "close").build();
      }
    }
    return toResponse(error);
  }

  /** The 413 answer to a body longer than {@code limit} bytes. */
  public static Response bodyTooLarge(long limit) {
    return fromUserException(
        new UserException(
            ErrorCode.RESOURCE_EXHAUSTED,
            "the request body exceeds the limit of " + limit + " bytes"),
        413);
  }

  /** The response for {@code e} with {@code status}. */
  public static Response fromUserException(UserException e, int status) {
    if (e.code() == ErrorCode.INTERNAL) {
      log.warn("INTERNAL error reported by the service: {}", e.getMessage(), e);
    }
    Response.ResponseBuilder response = Response.status(status).type(PROBLEM_JSON_TYPE);
    if (status == 401) {
      response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"userapi\"");
    }
    return response.entity(toProblem(e, status)).build();
  }

  /**
   * {@code e} with its violations of {@code from} naming {@code to} instead: the REST edge reports
   * the JSON member, query parameter or header the client sent, where the core names its own
   * parameter ({@code requestId} arrives as the {@code Idempotency-Key} header). Returns {@code e}
   * itself when no violation names {@code from}.
   */
  public static UserException renameField(UserException e, String from, String to) {
    if (e.violations().stream().noneMatch(v -> v.field().equals(from))) {
      return e;
    }
    List<FieldViolation> renamed =
        e.violations().stream()
            .map(v -> v.field().equals(from) ? new FieldViolation(to, v.description()) : v)
            .toList();
    String message = e.getMessage().replace("invalid " + from + ":", "invalid " + to + ":");
    return new UserException(e.code(), message, renamed, e);
  }

  /** Translates a JSON read failure into INVALID_ARGUMENT naming the field when there is one. */
  public static UserException fromJson(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      return UserException.invalidArgument(
          "body", "exceeds a parser limit (number length, string length or nesting depth)");
    }
    if (e instanceof PropertyBindingException p) {
      return UserException.invalidArgument(
          pathOf(p), "unknown property (writable fields: name, email, age)");
    }
    if (e instanceof InputCoercionException) {
      return UserException.invalidArgument("body", "a number is out of range for its field");
    }
    if (e instanceof MismatchedInputException m) {
      String path = pathOf(m);
      return UserException.invalidArgument(
          path.isEmpty() ? "body" : path, "must be " + typeName(m.getTargetType()));
    }
    if (e instanceof JsonMappingException m) {
      if (m.getCause() instanceof JsonProcessingException inner && inner != m) {
        return fromJson(inner);
      }
      String path = pathOf(m);
      return UserException.invalidArgument(path.isEmpty() ? "body" : path, "has an invalid value");
    }
    if (e instanceof JsonEOFException) {
      return UserException.invalidArgument("body", "is truncated (unexpected end of JSON)");
    }
    if (e instanceof JsonParseException p) {
      return UserException.invalidArgument("body", "is not valid JSON: " + safeParseMessage(p));
    }
    return UserException.invalidArgument("body", "is not valid JSON");
  }

  private static String safeParseMessage(JsonParseException e) {
    String message = e.getOriginalMessage();
    if (message == null
        || message.contains("`")
        || message.contains("java.")
        || message.contains("com.fasterxml")) {
      message = "malformed JSON";
    }
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    if (message.length() > 200) {
      message = message.substring(0, 200);
    }
    if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
      message +=
          " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
    return message;
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "a value of another type";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type.isArray() || List.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }

  /** Keeps the status and useful headers (Allow on 405) of a runtime's error. */
  public static Response fromWebApplication(WebApplicationException e) {
    Response original = e.getResponse();
    int status = original.getStatus();
    if (status < 400) {
      return original;
    }
    if (status >= 500) {
      return internal(e);
    }
    String detail =
        switch (status) {
          case 404 -> "no resource at this path";
          case 405 -> "method not allowed here" + allowed(original);
          case 406 -> "none of the acceptable media types (Accept) can be produced";
          case 415 -> "unsupported Content-Type for this resource";
          default ->
              e.getMessage() != null && e.getMessage().startsWith("HTTP ")
                  ? e.getMessage()
                  : "HTTP " + status;
        };
    if (e instanceof StatusException own) {
      detail = own.getMessage();
    }
    UserException problem = new UserException(codeOf(status), detail);
    Response.ResponseBuilder response =
        Response.status(status).type(PROBLEM_JSON_TYPE).entity(toProblem(problem, status));
    for (String name : KEPT_HEADERS) {
      List<Object> values = original.getHeaders().get(name);
      if (values != null) {
        values.forEach(v -> response.header(name, v));
      }
    }
    return response.build();
  }

  private static String allowed(Response response) {
    String allow = response.getHeaderString(HttpHeaders.ALLOW);
    return allow == null || allow.isEmpty() ? "" : "; allowed: " + allow;
  }

  /** The terse 500: logs {@code error} with a fresh id and answers with that id only. */
  public static Response internal(Throwable error) {
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    String id = HexFormat.of().formatHex(bytes);
    log.error("unhandled error (ID {})", id, error);
    UserException problem =
        new UserException(
            ErrorCode.INTERNAL, "an internal error occurred; it has been logged (ID " + id + ")");
    return Response.status(500).type(PROBLEM_JSON_TYPE).entity(toProblem(problem, 500)).build();
  }

  // ---- the error table -----------------------------------------------------------------------

  /** The HTTP status of an error code (DESIGN.md's error table). */
  public static int statusOf(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS -> 409;
      case PRECONDITION_FAILED -> 412;
      case RESOURCE_EXHAUSTED -> 429;
      case INTERNAL -> 500;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
    };
  }

  /** The error code for an HTTP status that carries none (a proxy's page, a runtime's 405). */
  public static ErrorCode codeOf(int status) {
    return switch (status) {
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 403 -> ErrorCode.PERMISSION_DENIED;
      case 404 -> ErrorCode.NOT_FOUND;
      case 409 -> ErrorCode.ALREADY_EXISTS;
      case 412, 428 -> ErrorCode.PRECONDITION_FAILED;
      case 413, 429 -> ErrorCode.RESOURCE_EXHAUSTED;
      case 502, 503 -> ErrorCode.UNAVAILABLE;
      case 504 -> ErrorCode.DEADLINE_EXCEEDED;
      default -> status >= 400 && status < 500 ? ErrorCode.INVALID_ARGUMENT : ErrorCode.INTERNAL;
    };
  }

  /** The stable problem type URI of an error code. */
  public static String problemType(ErrorCode code) {
    return PROBLEM_TYPE_PREFIX + code.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String title(ErrorCode code) {
    String words = code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  public static ProblemDto toProblem(UserException e) {
    return toProblem(e, statusOf(e.code()));
  }

  public static ProblemDto toProblem(UserException e, int status) {
    List<ViolationDto> errors =
        e.violations().stream().map(v -> new ViolationDto(v.field(), v.description())).toList();
    return new ProblemDto(
        problemType(e.code()),
        title(e.code()),
        status,
        e.getMessage(),
        e.code().name(),
        errors.isEmpty() ? null : errors);
  }

  /** Rebuilds the exception a server mapped into {@code problem}. */
  public static UserException toException(ProblemDto problem, int status) {
    ErrorCode code = codeOf(status);
    if (problem.code() != null) {
      try {
        code = ErrorCode.valueOf(problem.code());
      } catch (IllegalArgumentException unknownCode) {
        // A newer server: keep the status-derived code.
      }
    }
    String message =
        problem.detail() != null
            ? problem.detail()
            : problem.title() != null ? problem.title() : "HTTP " + status;
    List<FieldViolation> violations = new ArrayList<>();
    if (problem.errors() != null) {
      for (ViolationDto v : problem.errors()) {
        if (v != null && v.field() != null && v.description() != null) {
          violations.add(new FieldViolation(v.field(), v.description()));
        }
      }
    }
    return new UserException(code, message, violations);
  }
}
