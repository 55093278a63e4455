package dev.userapi.rest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserField;
import dev.userapi.core.UserUpdate;
import dev.userapi.rest.internal.Dtos.BatchItemDto;
import dev.userapi.rest.internal.Dtos.EventDto;
import dev.userapi.rest.internal.Dtos.NewUserDto;
import dev.userapi.rest.internal.Dtos.PageDto;
import dev.userapi.rest.internal.Dtos.ProblemDto;
import dev.userapi.rest.internal.Dtos.UserDto;
import dev.userapi.rest.internal.Dtos.ViolationDto;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The one place that converts between the JSON shapes ({@link Dtos}) and the core domain, both
 * ways, for the server and the client; and the one table from {@link ErrorCode} to HTTP status and
 * problem type. It also builds the one Jackson configuration of the module.
 *
 * <p>Thread-safe and stateless. Not API: used by userapi modules only.
 */
public final class JsonMapper {
  /** Problem types are this prefix plus the lower-case, dashed error code. */
  public static final String PROBLEM_TYPE_PREFIX = "https://userapi.dev/problems/";

  private static final String WRITABLE = "writable fields: name, email, age";

  private JsonMapper() {}

  /**
   * Returns a new {@link ObjectMapper} with the module's hardened settings: unknown properties,
   * trailing tokens, duplicate keys and scalar coercions ("36" or 36.5 for an integer) are errors,
   * and nesting depth, string length and number length are limited.
   */
  public static ObjectMapper newObjectMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxNumberLength(64)
                    .maxStringLength(100_000)
                    .maxNameLength(1_000)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    return com.fasterxml.jackson.databind.json.JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .build();
  }

  // ---- users ---------------------------------------------------------------------------------

  public static UserDto toDto(User user) {
    return new UserDto(
        user.id(),
        user.name(),
        user.email(),
        user.age().isPresent() ? user.age().getAsInt() : null,
        user.createTime().toString(),
        user.updateTime().toString(),
        user.etag());
  }

  public static User toUser(UserDto dto) {
    try {
      return new User(
          dto.id(),
          dto.name(),
          dto.email(),
          dto.age() == null ? OptionalInt.empty() : OptionalInt.of(dto.age()),
          Instant.parse(dto.createTime()),
          Instant.parse(dto.updateTime()),
          Long.parseLong(dto.etag()));
    } catch (RuntimeException e) {
      // NullPointerException, DateTimeParseException, NumberFormatException: a server we do not
      // understand.
      throw new UserException(ErrorCode.INTERNAL, "the server sent a malformed user", List.of(), e);
    }
  }

  public static NewUser toNewUser(NewUserDto dto) {
    if (dto == null) {
      throw UserException.invalidArgument("body", "is required (a JSON object)");
    }
    return new NewUser(
        dto.name(),
        dto.email(),
        dto.age() == null ? OptionalInt.empty() : OptionalInt.of(dto.age()));
  }

  public static NewUserDto toDto(NewUser newUser) {
    return new NewUserDto(
        newUser.name(),
        newUser.email(),
        newUser.age().isPresent() ? newUser.age().getAsInt() : null);
  }

  /**
   * Reads an RFC 7396 merge patch: a member sets a field, {@code null} clears it (only age may be
   * empty; a null name or email is reported by the service as required), absence leaves it alone.
   */
  public static UserUpdate toUpdate(JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      throw UserException.invalidArgument("body", "must be a JSON object (a merge patch)");
    }
    List<FieldViolation> violations = new ArrayList<>();
    UserUpdate.Builder update = UserUpdate.builder();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      String name = member.getKey();
      JsonNode value = member.getValue();
      UserField field = UserField.forName(name);
      if (field == null) {
        violations.add(new FieldViolation(name, "unknown property (" + WRITABLE + ")"));
        continue;
      }
      switch (field) {
        case NAME -> {
          if (value.isNull() || value.isTextual()) {
            update.name(value.isNull() ? null : value.textValue());
          } else {
            violations.add(new FieldViolation(name, "must be a string"));
          }
        }
        case EMAIL -> {
          if (value.isNull() || value.isTextual()) {
            update.email(value.isNull() ? null : value.textValue());
          } else {
            violations.add(new FieldViolation(name, "must be a string"));
          }
        }
        case AGE -> {
          if (value.isNull()) {
            update.clearAge();
          } else if (value.isIntegralNumber() && value.canConvertToInt()) {
            update.age(value.intValue());
          } else {
            violations.add(new FieldViolation(name, "must be an integer or null"));
          }
        }
      }
    }
    if (!violations.isEmpty()) {
      throw UserException.invalidArgument(violations);
    }
    return update.build();
  }

  /** Writes {@code update} as a merge patch: named fields only, a cleared age as null. */
  public static ObjectNode toPatch(UserUpdate update) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    if (update.has(UserField.NAME)) {
      patch.put("name", update.name());
    }
    if (update.has(UserField.EMAIL)) {
      patch.put("email", update.email());
    }
    if (update.has(UserField.AGE)) {
      if (update.age().isPresent()) {
        patch.put("age", update.age().getAsInt());
      } else {
        patch.putNull("age");
      }
    }
    return patch;
  }

  public static PageDto toDto(Page<User> page) {
    return new PageDto(page.items().stream().map(JsonMapper::toDto).toList(), page.nextPageToken());
  }

  public static Page<User> toPage(PageDto dto) {
    List<User> users =
        dto.users() == null ? List.of() : dto.users().stream().map(JsonMapper::toUser).toList();
    return new Page<>(users, dto.nextPageToken() == null ? "" : dto.nextPageToken());
  }

  public static EventDto toDto(UserEvent event) {
    return new EventDto(event.sequence(), event.type().name(), toDto(event.user()));
  }

  public static UserEvent toEvent(EventDto dto) {
    try {
      return new UserEvent(dto.sequence(), UserEvent.Type.valueOf(dto.type()), toUser(dto.user()));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new UserException(
          ErrorCode.INTERNAL, "the server sent a malformed event", List.of(), e);
    }
  }

  public static BatchItemDto toDto(CreateResult result) {
    return result.succeeded()
        ? new BatchItemDto(result.index(), toDto(result.user()), null)
        : new BatchItemDto(result.index(), null, toProblem(result.error()));
  }

  public static CreateResult toResult(BatchItemDto dto) {
    if (dto.user() != null) {
      return CreateResult.success(dto.index(), toUser(dto.user()));
    }
    if (dto.error() != null) {
      return CreateResult.failure(dto.index(), toException(dto.error(), dto.error().status()));
    }
    throw new UserException(ErrorCode.INTERNAL, "the server sent a malformed batch result");
  }

  public static HealthStatus toHealth(String status) {
    return "SERVING".equals(status) ? HealthStatus.SERVING : HealthStatus.NOT_SERVING;
  }

  // ---- errors --------------------------------------------------------------------------------

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
