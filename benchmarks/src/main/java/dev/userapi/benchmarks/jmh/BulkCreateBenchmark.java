package dev.userapi.benchmarks.jmh;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.userapi.core.CreateResult;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.grpc.internal.ProtoMapper;
import dev.userapi.proto.v1.BatchCreateUserResult;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server side of one gRPC {@code BatchCreateUsers} call of 10,000 users, in pieces (issue #17):
 * {@code createAll} into the in-memory store, mapping its results to the response and encoding it,
 * and the randomness of the ids drawn per id or per batch. Apart from {@code createAllAndEncode}
 * and {@code mapBatchAndEncode}, which use {@code ProtoMapper.toProto(List)} (added by #17), it
 * uses API that older builds have, so the class compiled against one of them (without those two)
 * measures that build. Times are per call of 10,000 users; divide by 10,000 for the cost per user.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BulkCreateBenchmark {
  private static final int BATCH = 10_000;
  // A fresh store every this many calls, so it holds at most 200,000 users.
  private static final int CALLS_PER_STORE = 20;

  private DefaultUserService service;
  private int calls;
  private List<NewUser> batch;
  private List<CreateResult> results;
  private final SecureRandom random = new SecureRandom();

  @Setup(Level.Trial)
  public void setUp() {
    service = DefaultUserService.inMemory();
    results = service.createAll(newBatch(-1));
  }

  /** The next batch, with emails no earlier call used (not measured). */
  @Setup(Level.Invocation)
  public void nextBatch() {
    if (++calls % CALLS_PER_STORE == 0) {
      service = DefaultUserService.inMemory();
    }
    batch = newBatch(calls);
  }

  private static List<NewUser> newBatch(int call) {
    List<NewUser> users = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      users.add(NewUser.of("User " + i, "user" + call + "x" + i + "@example.com", 20 + i % 50));
    }
    return users;
  }

  /** Validation, ids, timestamps and the store: {@code DefaultUserService.createAll}. */
  @Benchmark
  public List<CreateResult> createAll() {
    return service.createAll(batch);
  }

  /** The whole server-side work of one call: create, map to the response, encode it. */
  @Benchmark
  public byte[] createAllAndEncode() {
    return ProtoMapper.toProto(service.createAll(batch)).toByteArray();
  }

  /**
   * Mapping 10,000 created users to the response one result at a time with {@code ProtoMapper} (as
   * the service did before #17), and encoding it.
   */
  @Benchmark
  public byte[] mapAndEncode() {
    return response(results).toByteArray();
  }

  /**
   * Mapping with {@code ProtoMapper.toProto(List)}, as the service answers since #17 (users of one
   * batch share one Timestamp), and encoding.
   */
  @Benchmark
  public byte[] mapBatchAndEncode() {
    return ProtoMapper.toProto(results).toByteArray();
  }

  /** Mapping only, one result at a time. */
  @Benchmark
  public BatchCreateUsersResponse map() {
    return response(results);
  }

  /**
   * The same response with the strings set as UTF-8 bytes (an alternative mapping, to see whether
   * encoding each string once instead of sizing and writing it separately pays).
   */
  @Benchmark
  public byte[] mapAndEncodeWithByteStrings() {
    BatchCreateUsersResponse.Builder response = BatchCreateUsersResponse.newBuilder();
    for (CreateResult result : results) {
      User user = result.user();
      Timestamp time =
          Timestamp.newBuilder()
              .setSeconds(user.createTime().getEpochSecond())
              .setNanos(user.createTime().getNano())
              .build();
      dev.userapi.proto.v1.User.Builder proto =
          dev.userapi.proto.v1.User.newBuilder()
              .setIdBytes(ByteString.copyFromUtf8(user.id()))
              .setNameBytes(ByteString.copyFromUtf8(user.name()))
              .setEmailBytes(ByteString.copyFromUtf8(user.email()))
              .setCreateTime(time)
              .setUpdateTime(time)
              .setEtagBytes(ByteString.copyFromUtf8(user.etag()));
      user.age().ifPresent(proto::setAge);
      response.addResults(
          BatchCreateUserResult.newBuilder().setIndex(result.index()).setUser(proto.build()));
    }
    return response.setCreatedCount(results.size()).setFailedCount(0).build().toByteArray();
  }

  /** The random bits of 10,000 ids drawn one {@code nextLong} at a time. */
  @Benchmark
  public long randomPerId() {
    long sum = 0;
    for (int i = 0; i < BATCH; i++) {
      sum += random.nextLong();
    }
    return sum;
  }

  /** The same bits drawn in one call. */
  @Benchmark
  public byte[] randomPerBatch() {
    byte[] bits = new byte[BATCH * Long.BYTES];
    random.nextBytes(bits);
    return bits;
  }

  private static BatchCreateUsersResponse response(List<CreateResult> results) {
    // As UserGrpcService answers a BatchCreateUsers call.
    BatchCreateUsersResponse.Builder response = BatchCreateUsersResponse.newBuilder();
    int created = 0;
    for (CreateResult result : results) {
      response.addResults(ProtoMapper.toProto(result));
      created += result.succeeded() ? 1 : 0;
    }
    return response.setCreatedCount(created).setFailedCount(results.size() - created).build();
  }
}
