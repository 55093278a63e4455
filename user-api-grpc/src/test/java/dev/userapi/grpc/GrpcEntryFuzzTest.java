package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.InMemoryUserRepository;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.grpc.internal.ProtoMapper;
import dev.userapi.proto.v1.UpdateUserRequest;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the gRPC entry points with arbitrary request bytes. In CI it replays the committed seed
 * corpus (src/test/resources/.../GrpcEntryFuzzTestInputs); to fuzz for real, see CONTRIBUTING.md.
 * Every request ends in an expected status — never INTERNAL or UNKNOWN, never a hang — and a
 * rejected request leaves the store exactly as it was.
 *
 * <p>No fuzzed id could ever name the stored user (its id is a fresh UUIDv7), so {@code updateUser}
 * rewrites the placeholders {@value #STORED_ID} in {@code user.id} and {@value #CURRENT_ETAG} in
 * {@code user.etag} to the stored user's id and current etag before sending: the fuzzer then
 * reaches the paths that change a real user, and a success is checked against what was asked.
 */
class GrpcEntryFuzzTest {
  /** An id in a fuzzed update request that stands for the stored user's id. */
  static final String STORED_ID = "@";

  /** An etag in a fuzzed update request that stands for the stored user's current etag. */
  static final String CURRENT_ETAG = "@";

  private static final Set<Status.Code> EXPECTED =
      EnumSet.of(
          Status.Code.OK,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.NOT_FOUND,
          Status.Code.ALREADY_EXISTS,
          Status.Code.ABORTED);

  private static InMemoryUserRepository store;
  private static Server server;
  private static ManagedChannel channel;
  private static User ada;

  @BeforeAll
  static void start() throws IOException {
    store = new InMemoryUserRepository();
    DefaultUserService service = DefaultUserService.of(store);
    ada = service.create(NewUser.of("Ada", "ada@example.com", 36));
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(UserGrpcService.of(service))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @FuzzTest(maxDuration = "60s")
  void createUser(byte[] request) {
    int before = store.size();

    Status status = call(UserServiceGrpc.getCreateUserMethod(), request);

    assertThat(status.getCode()).as(status.toString()).isIn(EXPECTED);
    if (!status.isOk()) {
      assertThat(store.size()).isEqualTo(before);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void updateUser(byte[] request) throws IOException {
    User current = store.findById(ada.id()).orElseThrow();
    UpdateUserRequest parsed = parseOrNull(request);
    byte[] sent = parsed == null ? request : addressStoredUser(parsed, current).toByteArray();

    AtomicReference<byte[]> response = new AtomicReference<>();
    Status status = call(UserServiceGrpc.getUpdateUserMethod(), sent, response);

    assertThat(status.getCode()).as(status.toString()).isIn(EXPECTED);
    if (!status.isOk()) {
      assertThat(store.findById(ada.id())).hasValue(current);
      return;
    }
    UpdateUserRequest asked = UpdateUserRequest.parseFrom(sent);
    User updated = store.findById(ada.id()).orElseThrow();
    assertThat(asked.getUser().getId())
        .as("only the stored user can be updated")
        .isEqualTo(ada.id());
    assertThat(ProtoMapper.toDomain(dev.userapi.proto.v1.User.parseFrom(response.get())))
        .as("the answer is what was stored")
        .isEqualTo(updated);
    assertApplied(asked, current, updated);
  }

  /** {@code updated} is {@code current} with the masked fields of {@code asked}, and only those. */
  private static void assertApplied(UpdateUserRequest asked, User current, User updated) {
    List<String> paths = asked.getUpdateMask().getPathsList();
    boolean all = paths.contains("*");
    dev.userapi.proto.v1.User values = asked.getUser();
    assertThat(updated.id()).isEqualTo(current.id());
    assertThat(updated.createTime()).isEqualTo(current.createTime());
    assertThat(updated.name())
        .isEqualTo(all || paths.contains("name") ? values.getName().strip() : current.name());
    assertThat(updated.email())
        .isEqualTo(
            all || paths.contains("email") ? normalisedEmail(values.getEmail()) : current.email());
    assertThat(updated.age())
        .isEqualTo(
            all || paths.contains("age")
                ? (values.hasAge() ? OptionalInt.of(values.getAge()) : OptionalInt.empty())
                : current.age());
    if (!asked.getUser().getEtag().isEmpty()) {
      assertThat(asked.getUser().getEtag()).as("a conditional update").isEqualTo(current.etag());
    }
  }

  /** The documented normal form: trimmed, the domain lower-cased, the local part as given. */
  private static String normalisedEmail(String email) {
    String trimmed = email.strip();
    int at = trimmed.lastIndexOf('@');
    return trimmed.substring(0, at + 1) + trimmed.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  private static UpdateUserRequest addressStoredUser(UpdateUserRequest request, User current) {
    dev.userapi.proto.v1.User.Builder user = request.getUser().toBuilder();
    if (STORED_ID.equals(user.getId())) {
      user.setId(current.id());
    }
    if (CURRENT_ETAG.equals(user.getEtag())) {
      user.setEtag(current.etag());
    }
    return request.toBuilder().setUser(user).build();
  }

  private static UpdateUserRequest parseOrNull(byte[] request) {
    try {
      return UpdateUserRequest.parseFrom(request);
    } catch (InvalidProtocolBufferException e) {
      return null; // sent as it is: the server must reject it
    }
  }

  @FuzzTest(maxDuration = "60s")
  void listUsers(byte[] request) {
    Status status = call(UserServiceGrpc.getListUsersMethod(), request);

    assertThat(status.getCode())
        .as(status.toString())
        .isIn(Status.Code.OK, Status.Code.INVALID_ARGUMENT);
  }

  /** Sends {@code request} as the raw body of {@code method}, bypassing the typed stub. */
  private static Status call(MethodDescriptor<?, ?> method, byte[] request) {
    return call(method, request, new AtomicReference<>());
  }

  /**
   * As {@link #call(MethodDescriptor, byte[])}, keeping the response's bytes in {@code response}.
   */
  private static Status call(
      MethodDescriptor<?, ?> method, byte[] request, AtomicReference<byte[]> response) {
    MethodDescriptor<byte[], byte[]> raw =
        method.toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
    try {
      response.set(
          ClientCalls.blockingUnaryCall(
              channel, raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request));
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
