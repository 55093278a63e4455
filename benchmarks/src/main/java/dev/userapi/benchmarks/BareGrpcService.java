package dev.userapi.benchmarks;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.userapi.load.internal.RawMethods;
import dev.userapi.proto.v1.GetUserRequest;
import dev.userapi.proto.v1.User;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * The gRPC baseline: a hand-written service ({@code bench.Bare}) with byte-array marshallers that
 * answers every call with a pre-built response of the same size as the real one. It does the
 * transport's work only: no parsing, no mapping, no store. It mirrors the real service's call types
 * and its flow control (the server stream sends only while the call is ready).
 *
 * <p>A second baseline, {@code bench.BareProto/GetUser}, is what a grpc-java service written with
 * the generated code does, like grpc-java's own AsyncServer benchmark: protobuf marshallers parse
 * every request into a {@code GetUserRequest}, and every answer is a new {@code User} message,
 * built from the same field values and protobuf-encoded. Against it, ours pays for the adapter only
 * (strict parsing, the interceptors, the store's lookup, the mapping from the domain user); against
 * {@code bench.Bare} ours also pays for protobuf itself. The first is the "bare grpc-java" of issue
 * #17, the second the transport's floor.
 *
 * <p>{@code UserServer} serves both beside the user service, without the user service's
 * interceptors but with the same compression rule ({@code compressResponses(true)}: responses are
 * gzipped when the request came gzipped), so that the gzip cells compare like with like.
 */
final class BareGrpcService {
  static final String SERVICE = RawMethods.BARE_SERVICE;
  static final MethodDescriptor.Marshaller<byte[]> BYTES = RawMethods.BYTES;
  static final MethodDescriptor<byte[], byte[]> GET = RawMethods.BARE_GET;
  static final MethodDescriptor<byte[], byte[]> LIST = RawMethods.BARE_LIST;
  static final MethodDescriptor<byte[], byte[]> STREAM = RawMethods.BARE_STREAM;
  static final MethodDescriptor<byte[], byte[]> BATCH = RawMethods.BARE_BATCH;
  static final MethodDescriptor<byte[], byte[]> LOOKUP = RawMethods.BARE_LOOKUP;

  /** The protobuf baseline's service name. */
  static final String PROTO_SERVICE = "bench.BareProto";

  /** The protobuf baseline's one method: GetUser with grpc-java's protobuf marshallers. */
  static final MethodDescriptor<GetUserRequest, User> PROTO_GET =
      MethodDescriptor.<GetUserRequest, User>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(PROTO_SERVICE, "GetUser"))
          .setRequestMarshaller(ProtoUtils.marshaller(GetUserRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(User.getDefaultInstance()))
          .build();

  private BareGrpcService() {}

  /** A descriptor of a {@code userapi.v1.UserService} method that moves raw bytes. */
  static MethodDescriptor<byte[], byte[]> userApi(String name, MethodDescriptor.MethodType type) {
    return RawMethods.userApi(name, type);
  }

  /**
   * The service definition.
   *
   * @param fixtures the responses
   * @param streamCount how many messages the server stream sends
   */
  static ServerServiceDefinition definition(Fixtures fixtures, int streamCount) {
    return handlers(fixtures, streamCount);
  }

  /**
   * The protobuf baseline: {@code bench.BareProto/GetUser} answers every request with a new {@code
   * User} message holding the field values of the fixture's user.
   */
  static ServerServiceDefinition protobufDefinition(Fixtures fixtures) {
    User user;
    try {
      user = User.parseFrom(fixtures.userProto());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the GetUser fixture is not a User", e);
    }
    // Plain values, as a service holds them (a parsed message would keep its strings as bytes and
    // skip their UTF-8 encoding).
    String id = user.getId();
    String name = user.getName();
    String email = user.getEmail();
    String etag = user.getEtag();
    Integer age = user.hasAge() ? user.getAge() : null;
    Timestamp created = user.getCreateTime();
    Timestamp updated = user.getUpdateTime();
    return ServerServiceDefinition.builder(PROTO_SERVICE)
        .addMethod(
            PROTO_GET,
            ServerCalls.asyncUnaryCall(
                (request, out) -> {
                  User.Builder answer =
                      User.newBuilder()
                          .setId(id)
                          .setName(name)
                          .setEmail(email)
                          .setCreateTime(created)
                          .setUpdateTime(updated)
                          .setEtag(etag);
                  if (age != null) {
                    answer.setAge(age);
                  }
                  reply(out, answer.build());
                }))
        .build();
  }

  private static ServerServiceDefinition handlers(Fixtures fixtures, int streamCount) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(
            GET, ServerCalls.asyncUnaryCall((request, out) -> reply(out, fixtures.userProto())))
        .addMethod(
            LIST, ServerCalls.asyncUnaryCall((request, out) -> reply(out, fixtures.pageProto())))
        .addMethod(
            STREAM,
            ServerCalls.asyncServerStreamingCall(
                (request, out) ->
                    stream(
                        (ServerCallStreamObserver<byte[]>) out, fixtures.userProto(), streamCount)))
        .addMethod(
            BATCH,
            ServerCalls.asyncClientStreamingCall(out -> new Batch(out, fixtures.batchProto())))
        .addMethod(
            LOOKUP,
            ServerCalls.asyncBidiStreamingCall(out -> new Lookup(out, fixtures.lookupProto())))
        .build();
  }

  private static <T> void reply(StreamObserver<T> out, T response) {
    out.onNext(response);
    out.onCompleted();
  }

  private static void stream(ServerCallStreamObserver<byte[]> out, byte[] item, int count) {
    int[] sent = {0};
    boolean[] done = {false};
    Runnable drain =
        () -> {
          while (out.isReady() && sent[0] < count && !out.isCancelled()) {
            out.onNext(item);
            sent[0]++;
          }
          if (sent[0] == count && !done[0]) {
            done[0] = true;
            out.onCompleted();
          }
        };
    out.setOnReadyHandler(drain);
    drain.run();
  }

  private static final class Batch implements StreamObserver<byte[]> {
    private final StreamObserver<byte[]> out;
    private final byte[] response;

    Batch(StreamObserver<byte[]> out, byte[] response) {
      this.out = out;
      this.response = response;
    }

    @Override
    public void onNext(byte[] value) {
      // counted by the transport only
    }

    @Override
    public void onError(Throwable t) {
      // the call is over
    }

    @Override
    public void onCompleted() {
      reply(out, response);
    }
  }

  private static final class Lookup implements StreamObserver<byte[]> {
    private final StreamObserver<byte[]> out;
    private final byte[] answer;

    Lookup(StreamObserver<byte[]> out, byte[] answer) {
      this.out = out;
      this.answer = answer;
    }

    @Override
    public void onNext(byte[] value) {
      out.onNext(answer);
    }

    @Override
    public void onError(Throwable t) {
      // the call is over
    }

    @Override
    public void onCompleted() {
      out.onCompleted();
    }
  }
}
