package dev.userapi.benchmarks;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The gRPC baseline: a hand-written service ({@code bench.Bare}) with byte-array marshallers that
 * answers every call with a pre-built response of the same size as the real one. It does the
 * transport's work only: no parsing, no mapping, no store. It mirrors the real service's call types
 * and its flow control (the server stream sends only while the call is ready).
 *
 * <p>{@code UserServer} serves it beside the user service, without the user service's interceptors
 * but with the same compression rule ({@code compressResponses(true)}: responses are gzipped when
 * the request came gzipped), so that the gzip cells compare like with like.
 */
final class BareGrpcService {
  static final String SERVICE = "bench.Bare";

  /**
   * The marshaller both the bare service and the load client use: bytes in, bytes out. It hands
   * gRPC what protobuf's marshaller hands it, a stream of known length that drains in one write,
   * and parses into one array of the exact size: with a plain {@code ByteArrayInputStream} and
   * {@code readAllBytes} the baseline paid for growing buffers and copies that our service does not
   * (JFR showed the parse at about a sixth of the bare service's CPU, issue #17).
   */
  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new BytesStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            if (stream instanceof KnownLength) {
              byte[] bytes = new byte[stream.available()];
              int n = stream.readNBytes(bytes, 0, bytes.length);
              if (n == bytes.length && stream.available() == 0) {
                return bytes;
              }
              byte[] rest = stream.readAllBytes();
              byte[] all = Arrays.copyOf(bytes, n + rest.length);
              System.arraycopy(rest, 0, all, n, rest.length);
              return all;
            }
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** A byte array gRPC can size up front and copy out in one call. */
  private static final class BytesStream extends ByteArrayInputStream
      implements KnownLength, Drainable {
    BytesStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }

  static final MethodDescriptor<byte[], byte[]> GET =
      method("Get", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> LIST =
      method("List", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> STREAM =
      method("Stream", MethodDescriptor.MethodType.SERVER_STREAMING);
  static final MethodDescriptor<byte[], byte[]> BATCH =
      method("BatchCreate", MethodDescriptor.MethodType.CLIENT_STREAMING);
  static final MethodDescriptor<byte[], byte[]> LOOKUP =
      method("Lookup", MethodDescriptor.MethodType.BIDI_STREAMING);

  private BareGrpcService() {}

  /** A descriptor of a {@code userapi.v1.UserService} method that moves raw bytes. */
  static MethodDescriptor<byte[], byte[]> userApi(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("userapi.v1.UserService", name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  private static MethodDescriptor<byte[], byte[]> method(
      String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
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

  private static void reply(StreamObserver<byte[]> out, byte[] response) {
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
