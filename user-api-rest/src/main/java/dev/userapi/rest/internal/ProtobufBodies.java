package dev.userapi.rest.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Status;
import dev.userapi.core.CreateResult;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.grpc.internal.GrpcErrors;
import dev.userapi.grpc.internal.ProtoMapper;
import dev.userapi.proto.v1.BatchCreateUsersRequest;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import dev.userapi.proto.v1.ListUsersResponse;
import dev.userapi.rest.internal.Dtos.BatchItemDto;
import dev.userapi.rest.internal.Dtos.BatchResultDto;
import dev.userapi.rest.internal.Dtos.NewUserDto;
import dev.userapi.rest.internal.Dtos.PageDto;
import dev.userapi.rest.internal.Dtos.ProblemDto;
import dev.userapi.rest.internal.Dtos.UserDto;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code application/x-protobuf} bodies: the {@code userapi.v1} messages gRPC uses. It writes a
 * user as {@code User}, a page as {@code ListUsersResponse} and a problem as {@code
 * google.rpc.Status} with the details gRPC sends, and reads a new or replacing user from {@code
 * User}. It does not map anything itself: the JSON shapes go to the domain through {@link
 * DtoMapper} (and {@link Problems} for errors), and the domain to protobuf through user-api-grpc's
 * {@link ProtoMapper} and {@link GrpcErrors}, the one mapping of each side.
 *
 * <p>Loaded only when user-api-grpc is on the class path ({@link ProtobufNegotiation#AVAILABLE}).
 * Thread-safe and stateless. Not API: used by userapi modules only.
 */
@Produces(ProtobufBodies.PROTOBUF)
@Consumes(ProtobufBodies.PROTOBUF)
public final class ProtobufBodies implements MessageBodyWriter<Object>, MessageBodyReader<Object> {
  /** {@code application/x-protobuf}. */
  public static final String PROTOBUF = "application/x-protobuf";

  private static final MediaType PROTOBUF_TYPE = MediaType.valueOf(PROTOBUF);

  private static final List<Class<?>> WRITTEN =
      List.of(UserDto.class, PageDto.class, ProblemDto.class, BatchResultDto.class);

  @Override
  public boolean isWriteable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return WRITTEN.contains(type) && PROTOBUF_TYPE.isCompatible(mediaType);
  }

  @Override
  public void writeTo(
      Object entity,
      Class<?> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, Object> httpHeaders,
      OutputStream out)
      throws IOException {
    toMessage(entity).writeTo(out);
  }

  @Override
  public boolean isReadable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return type == NewUserDto.class && PROTOBUF_TYPE.isCompatible(mediaType);
  }

  @Override
  public Object readFrom(
      Class<Object> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, String> httpHeaders,
      InputStream in)
      throws IOException {
    dev.userapi.proto.v1.User proto;
    try {
      proto = dev.userapi.proto.v1.User.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw UserException.invalidArgument("body", "is not a userapi.v1.User message");
    }
    // Output-only fields are ignored, as the gRPC CreateUser and ReplaceUser do (AIP-203).
    return DtoMapper.toDto(ProtoMapper.toNewUser(proto));
  }

  /**
   * The new users of a {@code :batchCreate} body: length-delimited {@code
   * userapi.v1.BatchCreateUsersRequest} messages, the gRPC BatchCreateUsers request stream in one
   * body. Output-only fields are ignored; a body that is not such a sequence is a 400, since a
   * length-delimited stream cannot be read past a broken message.
   */
  public static List<NewUserDto> readBatch(InputStream in) throws IOException {
    List<NewUserDto> items = new java.util.ArrayList<>();
    try {
      for (BatchCreateUsersRequest item = BatchCreateUsersRequest.parseDelimitedFrom(in);
          item != null;
          item = BatchCreateUsersRequest.parseDelimitedFrom(in)) {
        items.add(DtoMapper.toDto(ProtoMapper.toNewUser(item.getUser())));
      }
    } catch (InvalidProtocolBufferException e) {
      IOException read = e.unwrapIOException();
      if (read != e) {
        throw read; // the body could not be read (too large, stalled): not a parse failure
      }
      throw UserException.invalidArgument(
          "body", "is not a sequence of length-delimited userapi.v1.BatchCreateUsersRequest");
    }
    return items;
  }

  /** The message for a JSON shape the resource answers with. */
  static Message toMessage(Object entity) {
    if (entity instanceof UserDto user) {
      return ProtoMapper.toProto(DtoMapper.toUser(user));
    }
    if (entity instanceof PageDto page) {
      return ProtoMapper.toProto(DtoMapper.toPage(page));
    }
    if (entity instanceof BatchResultDto batch) {
      List<CreateResult> results = new java.util.ArrayList<>(batch.results().size());
      for (BatchItemDto item : batch.results()) {
        results.add(DtoMapper.toResult(item));
      }
      return ProtoMapper.toProto(results);
    }
    if (entity instanceof ProblemDto problem) {
      return GrpcErrors.toRpcStatus(Problems.toException(problem, problem.status()));
    }
    throw new IllegalArgumentException("no protobuf form for " + entity.getClass().getName());
  }

  // ---- the client's side ---------------------------------------------------------------------

  /** The body of a create or replace. */
  public static byte[] encode(NewUser newUser) {
    return ProtoMapper.toProto(newUser).toByteArray();
  }

  /**
   * The body of a {@code :batchCreate}: one length-delimited {@code BatchCreateUsersRequest} per
   * item, a null item as a request without a user, as the gRPC client sends it.
   */
  public static byte[] encodeBatch(List<NewUser> newUsers) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      for (NewUser newUser : newUsers) {
        BatchCreateUsersRequest.Builder item = BatchCreateUsersRequest.newBuilder();
        if (newUser != null) {
          item.setUser(ProtoMapper.toProto(newUser));
        }
        item.build().writeDelimitedTo(out);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  /** The per-item results a {@code BatchCreateUsersResponse} body holds, in request order. */
  public static List<CreateResult> toResults(byte[] body) throws IOException {
    BatchCreateUsersResponse response = BatchCreateUsersResponse.parseFrom(body);
    List<CreateResult> results = new java.util.ArrayList<>(response.getResultsCount());
    for (var result : response.getResultsList()) {
      results.add(ProtoMapper.toDomain(result));
    }
    return List.copyOf(results);
  }

  /** The user a {@code User} body holds. */
  public static User toUser(byte[] body) throws IOException {
    return ProtoMapper.toDomain(dev.userapi.proto.v1.User.parseFrom(body));
  }

  /** The page a {@code ListUsersResponse} body holds. */
  public static Page<User> toPage(byte[] body) throws IOException {
    return ProtoMapper.toDomain(ListUsersResponse.parseFrom(body));
  }

  /** The exception a {@code google.rpc.Status} body describes, as the gRPC client rebuilds it. */
  public static UserException toException(byte[] body) throws IOException {
    return GrpcErrors.fromRpcStatus(Status.parseFrom(body), null);
  }

  /** The next user of a length-delimited stream, or null at its clean end. */
  public static User readDelimited(InputStream in) throws IOException {
    dev.userapi.proto.v1.User proto = dev.userapi.proto.v1.User.parseDelimitedFrom(in);
    return proto == null ? null : ProtoMapper.toDomain(proto);
  }

  /** Writes {@code user} as a length-delimited {@code User}, as {@code :stream} sends them. */
  public static void writeDelimited(User user, OutputStream out) throws IOException {
    ProtoMapper.toProto(user).writeDelimitedTo(out);
  }
}
