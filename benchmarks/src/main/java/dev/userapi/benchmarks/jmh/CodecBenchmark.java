package dev.userapi.benchmarks.jmh;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserQuery;
import dev.userapi.grpc.internal.ProtoMapper;
import dev.userapi.proto.v1.ListUsersResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Protobuf vs JSON, for one user and a page of 50: encoding to bytes, decoding from bytes, and each
 * adapter's mapping between the domain and its wire type ({@code ProtoMapper} on the gRPC side, the
 * REST module's JSON mapper on the other). Run from the shaded jar with {@code
 * org.openjdk.jmh.Main}; see BENCHMARKS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  private User user;
  private Page<User> page;
  private dev.userapi.proto.v1.User userProto;
  private ListUsersResponse pageProto;
  private byte[] userProtoBytes;
  private byte[] pageProtoBytes;
  private JsonCodec json;
  private Object userDto;
  private Object pageDto;
  private byte[] userJsonBytes;
  private byte[] pageJsonBytes;

  @Setup
  public void setUp() throws Exception {
    DefaultUserService service = DefaultUserService.inMemory();
    List<NewUser> users = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      users.add(NewUser.of("Ada Lovelace " + i, "ada.lovelace" + i + "@example.com", 20 + i));
    }
    service.createAll(users);
    page = service.list(UserQuery.firstPage(50));
    user = page.items().get(0);
    userProto = ProtoMapper.toProto(user);
    pageProto = ProtoMapper.toProto(page);
    userProtoBytes = userProto.toByteArray();
    pageProtoBytes = pageProto.toByteArray();
    json = new JsonCodec();
    userDto = json.toDto(user);
    pageDto = json.toDto(page);
    userJsonBytes = json.mapper().writeValueAsBytes(userDto);
    pageJsonBytes = json.mapper().writeValueAsBytes(pageDto);
  }

  // ---- one user

  @Benchmark
  public byte[] userProtoEncode() {
    return userProto.toByteArray();
  }

  @Benchmark
  public Object userProtoDecode() throws Exception {
    return dev.userapi.proto.v1.User.parseFrom(userProtoBytes);
  }

  @Benchmark
  public byte[] userJsonEncode() throws Exception {
    return json.mapper().writeValueAsBytes(userDto);
  }

  @Benchmark
  public Object userJsonDecode() throws Exception {
    return json.mapper().readValue(userJsonBytes, json.userType());
  }

  @Benchmark
  public Object userProtoMap() {
    return ProtoMapper.toProto(user);
  }

  @Benchmark
  public Object userProtoMapBack() {
    return ProtoMapper.toDomain(userProto);
  }

  @Benchmark
  public Object userJsonMap() {
    return json.toDto(user);
  }

  @Benchmark
  public Object userJsonMapBack() {
    return json.toUser(userDto);
  }

  /** Domain to bytes, as the gRPC server answers a get. */
  @Benchmark
  public byte[] userProtoServe() {
    return ProtoMapper.toProto(user).toByteArray();
  }

  /** Domain to bytes, as the REST server answers a get. */
  @Benchmark
  public byte[] userJsonServe() throws Exception {
    return json.mapper().writeValueAsBytes(json.toDto(user));
  }

  // ---- a page of 50

  @Benchmark
  public byte[] pageProtoEncode() {
    return pageProto.toByteArray();
  }

  @Benchmark
  public Object pageProtoDecode() throws Exception {
    return ListUsersResponse.parseFrom(pageProtoBytes);
  }

  @Benchmark
  public byte[] pageJsonEncode() throws Exception {
    return json.mapper().writeValueAsBytes(pageDto);
  }

  @Benchmark
  public Object pageJsonDecode() throws Exception {
    return json.mapper().readValue(pageJsonBytes, json.pageType());
  }

  @Benchmark
  public byte[] pageProtoServe() {
    return ProtoMapper.toProto(page).toByteArray();
  }

  @Benchmark
  public byte[] pageJsonServe() throws Exception {
    return json.mapper().writeValueAsBytes(json.toDto(page));
  }

  /** Sizes, printed by {@code main} for BENCHMARKS.md. */
  public static void main(String[] args) throws Exception {
    CodecBenchmark b = new CodecBenchmark();
    b.setUp();
    System.out.printf(
        "user: protobuf %d B, JSON %d B%n", b.userProtoBytes.length, b.userJsonBytes.length);
    System.out.printf(
        "page of 50: protobuf %d B, JSON %d B%n", b.pageProtoBytes.length, b.pageJsonBytes.length);
  }
}
