package dev.userapi.rest.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import dev.userapi.rest.internal.Dtos.UserDto;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The one place that converts between the JSON shapes ({@link Dtos}) and the core domain, both
 * ways, for the server and the client (errors excepted: {@link Problems} maps those). It also
 * builds the one Jackson configuration of the module. Named for what it maps, not after Jackson's
 * own {@code JsonMapper}, which it uses.
 *
 * <p>Thread-safe and stateless. Not API: used by userapi modules only.
 */
public final class DtoMapper {
  private static final String WRITABLE = "writable fields: name, email, age";

  private DtoMapper() {}

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
    return JsonMapper.builder(factory)
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
        IsoInstants.format(user.createTime()),
        IsoInstants.format(user.updateTime()),
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
    return new PageDto(page.items().stream().map(DtoMapper::toDto).toList(), page.nextPageToken());
  }

  public static Page<User> toPage(PageDto dto) {
    List<User> users =
        dto.users() == null ? List.of() : dto.users().stream().map(DtoMapper::toUser).toList();
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
        : new BatchItemDto(result.index(), null, Problems.toProblem(result.error()));
  }

  public static CreateResult toResult(BatchItemDto dto) {
    if (dto.user() != null) {
      return CreateResult.success(dto.index(), toUser(dto.user()));
    }
    if (dto.error() != null) {
      return CreateResult.failure(
          dto.index(), Problems.toException(dto.error(), dto.error().status()));
    }
    throw new UserException(ErrorCode.INTERNAL, "the server sent a malformed batch result");
  }

  public static HealthStatus toHealth(String status) {
    return "SERVING".equals(status) ? HealthStatus.SERVING : HealthStatus.NOT_SERVING;
  }
}
