package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.InMemoryUserRepository;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the gRPC entry points with arbitrary request bytes. In CI it replays the committed seed
 * corpus (src/test/resources/.../GrpcEntryFuzzTestInputs); to fuzz for real, see CONTRIBUTING.md.
 * Every request ends in an expected status — never INTERNAL or UNKNOWN, never a hang — and a
 * rejected request leaves the store exactly as it was.
 */
class GrpcEntryFuzzTest {
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
  void updateUser(byte[] request) {
    User current = store.findById(ada.id()).orElseThrow();

    Status status = call(UserServiceGrpc.getUpdateUserMethod(), request);

    assertThat(status.getCode()).as(status.toString()).isIn(EXPECTED);
    if (!status.isOk()) {
      assertThat(store.findById(ada.id())).hasValue(current);
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
    MethodDescriptor<byte[], byte[]> raw =
        method.toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
    try {
      ClientCalls.blockingUnaryCall(
          channel, raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
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
