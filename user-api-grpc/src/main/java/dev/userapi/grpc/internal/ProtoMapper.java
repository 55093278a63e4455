package dev.userapi.grpc.internal;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import dev.userapi.core.CreateResult;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserField;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import dev.userapi.proto.v1.BatchCreateUserResult;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import dev.userapi.proto.v1.ListUsersRequest;
import dev.userapi.proto.v1.ListUsersResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The one place that converts between the generated {@code userapi.v1} messages and the domain,
 * both ways, for the server adapter and the client alike. Empty proto strings mean "not given"
 * (null or empty in the domain), {@code optional} fields carry presence.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class ProtoMapper {
  /** The update-mask path meaning "every writable field" (AIP-134). */
  public static final String ALL_FIELDS = "*";

  private ProtoMapper() {}

  // ---- users

  public static dev.userapi.proto.v1.User toProto(User user) {
    return toProto(user, toProto(user.createTime()));
  }

  /** {@code user} with {@code created}, the proto of its create time, which it may share. */
  private static dev.userapi.proto.v1.User toProto(User user, Timestamp created) {
    // A user never updated shares one immutable Timestamp for both times, and so do the users of
    // one bulk create (issue #17): each Timestamp is built and sized once.
    Timestamp updated =
        user.updateTime().equals(user.createTime()) ? created : toProto(user.updateTime());
    dev.userapi.proto.v1.User.Builder proto =
        dev.userapi.proto.v1.User.newBuilder()
            .setId(user.id())
            .setName(user.name())
            .setEmail(user.email())
            .setCreateTime(created)
            .setUpdateTime(updated)
            .setEtag(user.etag());
    user.age().ifPresent(proto::setAge);
    return proto.build();
  }

  public static User toDomain(dev.userapi.proto.v1.User proto) {
    return new User(
        proto.getId(),
        proto.getName(),
        proto.getEmail(),
        proto.hasAge() ? OptionalInt.of(proto.getAge()) : OptionalInt.empty(),
        toInstant(proto.getCreateTime()),
        toInstant(proto.getUpdateTime()),
        versionOf(proto.getEtag()));
  }

  /** The writable part of {@code proto}, for create and replace. */
  public static NewUser toNewUser(dev.userapi.proto.v1.User proto) {
    return new NewUser(
        emptyToNull(proto.getName()),
        emptyToNull(proto.getEmail()),
        proto.hasAge() ? OptionalInt.of(proto.getAge()) : OptionalInt.empty());
  }

  /** A user message carrying only the writable fields of {@code newUser}. */
  public static dev.userapi.proto.v1.User toProto(NewUser newUser) {
    dev.userapi.proto.v1.User.Builder proto = dev.userapi.proto.v1.User.newBuilder();
    if (newUser.name() != null) {
      proto.setName(newUser.name());
    }
    if (newUser.email() != null) {
      proto.setEmail(newUser.email());
    }
    newUser.age().ifPresent(proto::setAge);
    return proto.build();
  }

  // ---- partial updates

  /**
   * The update described by {@code user} and {@code mask}.
   *
   * @throws UserException INVALID_ARGUMENT for a path that names no writable field
   */
  public static UserUpdate toUpdate(dev.userapi.proto.v1.User user, FieldMask mask) {
    UserUpdate.Builder update = UserUpdate.builder();
    for (String path : mask.getPathsList()) {
      if (ALL_FIELDS.equals(path)) {
        for (UserField field : UserField.values()) {
          apply(update, field, user);
        }
        continue;
      }
      UserField field = UserField.forName(path);
      if (field == null) {
        throw UserException.invalidArgument(
            "updateMask", "unknown path '" + path + "' (expected: name, email, age or *)");
      }
      apply(update, field, user);
    }
    return update.build();
  }

  private static void apply(
      UserUpdate.Builder update, UserField field, dev.userapi.proto.v1.User user) {
    switch (field) {
      case NAME -> update.name(emptyToNull(user.getName()));
      case EMAIL -> update.email(emptyToNull(user.getEmail()));
      case AGE -> {
        if (user.hasAge()) {
          update.age(user.getAge());
        } else {
          update.clearAge();
        }
      }
    }
  }

  /** The mask naming the fields of {@code update}. */
  public static FieldMask toMask(UserUpdate update) {
    FieldMask.Builder mask = FieldMask.newBuilder();
    for (UserField field : UserField.values()) {
      if (update.has(field)) {
        mask.addPaths(field.fieldName());
      }
    }
    return mask.build();
  }

  /** The user message carrying the values of {@code update} (and the etag, if any). */
  public static dev.userapi.proto.v1.User toProto(String id, UserUpdate update, String etag) {
    dev.userapi.proto.v1.User.Builder proto = dev.userapi.proto.v1.User.newBuilder().setId(id);
    if (update.has(UserField.NAME) && update.name() != null) {
      proto.setName(update.name());
    }
    if (update.has(UserField.EMAIL) && update.email() != null) {
      proto.setEmail(update.email());
    }
    if (update.has(UserField.AGE)) {
      update.age().ifPresent(proto::setAge);
    }
    if (etag != null) {
      proto.setEtag(etag);
    }
    return proto.build();
  }

  // ---- queries and pages

  public static UserFilter toDomain(dev.userapi.proto.v1.UserFilter proto) {
    UserFilter.Builder filter = UserFilter.builder();
    if (!proto.getEmail().isEmpty()) {
      filter.email(proto.getEmail());
    }
    if (!proto.getNamePrefix().isEmpty()) {
      filter.namePrefix(proto.getNamePrefix());
    }
    if (proto.hasMinAge()) {
      filter.minAge(proto.getMinAge());
    }
    if (proto.hasMaxAge()) {
      filter.maxAge(proto.getMaxAge());
    }
    return filter.build();
  }

  public static dev.userapi.proto.v1.UserFilter toProto(UserFilter filter) {
    dev.userapi.proto.v1.UserFilter.Builder proto = dev.userapi.proto.v1.UserFilter.newBuilder();
    filter.email().ifPresent(proto::setEmail);
    filter.namePrefix().ifPresent(proto::setNamePrefix);
    filter.minAge().ifPresent(proto::setMinAge);
    filter.maxAge().ifPresent(proto::setMaxAge);
    return proto.build();
  }

  public static UserQuery toDomain(ListUsersRequest request) {
    return new UserQuery(
        toDomain(request.getFilter()), request.getPageSize(), request.getPageToken());
  }

  public static ListUsersRequest toProto(UserQuery query) {
    return ListUsersRequest.newBuilder()
        .setFilter(toProto(query.filter()))
        .setPageSize(query.pageSize())
        .setPageToken(query.pageToken())
        .build();
  }

  public static ListUsersResponse toProto(Page<User> page) {
    ListUsersResponse.Builder proto =
        ListUsersResponse.newBuilder().setNextPageToken(page.nextPageToken());
    for (User user : page.items()) {
      proto.addUsers(toProto(user));
    }
    return proto.build();
  }

  public static Page<User> toDomain(ListUsersResponse proto) {
    List<User> users = new ArrayList<>(proto.getUsersCount());
    for (dev.userapi.proto.v1.User user : proto.getUsersList()) {
      users.add(toDomain(user));
    }
    return new Page<>(users, proto.getNextPageToken());
  }

  // ---- watch

  /** The domain's {@code afterSequence} for a proto request: absent means "from now". */
  public static long afterSequence(dev.userapi.proto.v1.WatchUsersRequest request) {
    return request.hasAfterSequence() ? request.getAfterSequence() : UserService.WATCH_FROM_NOW;
  }

  public static dev.userapi.proto.v1.WatchUsersRequest toWatchRequest(long afterSequence) {
    dev.userapi.proto.v1.WatchUsersRequest.Builder proto =
        dev.userapi.proto.v1.WatchUsersRequest.newBuilder();
    if (afterSequence != UserService.WATCH_FROM_NOW) {
      proto.setAfterSequence(afterSequence);
    }
    return proto.build();
  }

  public static dev.userapi.proto.v1.UserEvent toProto(UserEvent event) {
    return dev.userapi.proto.v1.UserEvent.newBuilder()
        .setSequence(event.sequence())
        .setType(
            switch (event.type()) {
              case CREATED -> dev.userapi.proto.v1.UserEvent.Type.CREATED;
              case UPDATED -> dev.userapi.proto.v1.UserEvent.Type.UPDATED;
              case DELETED -> dev.userapi.proto.v1.UserEvent.Type.DELETED;
            })
        .setUser(toProto(event.user()))
        .build();
  }

  public static UserEvent toDomain(dev.userapi.proto.v1.UserEvent proto) {
    UserEvent.Type type =
        switch (proto.getType()) {
          case CREATED -> UserEvent.Type.CREATED;
          case UPDATED -> UserEvent.Type.UPDATED;
          case DELETED -> UserEvent.Type.DELETED;
          default ->
              throw new IllegalArgumentException("unknown event type " + proto.getTypeValue());
        };
    return new UserEvent(proto.getSequence(), type, toDomain(proto.getUser()));
  }

  // ---- bulk create

  public static BatchCreateUserResult toProto(CreateResult result) {
    BatchCreateUserResult.Builder proto =
        BatchCreateUserResult.newBuilder().setIndex(result.index());
    if (result.succeeded()) {
      proto.setUser(toProto(result.user()));
    } else {
      proto.setError(GrpcErrors.toRpcStatus(result.error()));
    }
    return proto.build();
  }

  /**
   * The answer to a BatchCreateUsers call: every result, in order, and the counts. Users created at
   * the same instant (one {@code createAll} stamps its batch with one) share one Timestamp.
   */
  public static BatchCreateUsersResponse toProto(List<CreateResult> results) {
    BatchCreateUsersResponse.Builder response = BatchCreateUsersResponse.newBuilder();
    Instant lastTime = null;
    Timestamp lastProto = null;
    int created = 0;
    for (CreateResult result : results) {
      BatchCreateUserResult.Builder item =
          BatchCreateUserResult.newBuilder().setIndex(result.index());
      if (result.succeeded()) {
        User user = result.user();
        if (!user.createTime().equals(lastTime)) {
          lastTime = user.createTime();
          lastProto = toProto(lastTime);
        }
        item.setUser(toProto(user, lastProto));
        created++;
      } else {
        item.setError(GrpcErrors.toRpcStatus(result.error()));
      }
      response.addResults(item.build());
    }
    return response.setCreatedCount(created).setFailedCount(results.size() - created).build();
  }

  public static CreateResult toDomain(BatchCreateUserResult proto) {
    return proto.hasUser()
        ? CreateResult.success(proto.getIndex(), toDomain(proto.getUser()))
        : CreateResult.failure(proto.getIndex(), GrpcErrors.fromRpcStatus(proto.getError(), null));
  }

  // ---- scalars

  /** Empty means "no etag" on the wire (proto3 has no absent strings). */
  public static String etagOrNull(String etag) {
    return emptyToNull(etag);
  }

  private static String emptyToNull(String value) {
    return value.isEmpty() ? null : value;
  }

  private static long versionOf(String etag) {
    try {
      return Long.parseLong(etag);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("etag: '" + etag + "' (expected: a userapi etag)", e);
    }
  }

  static Timestamp toProto(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  static Instant toInstant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
