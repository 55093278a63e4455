package dev.userapi.load.internal;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * gRPC method descriptors that move raw bytes: the load client sends pre-encoded requests and does
 * not decode responses, so it costs the same against the real service and the benchmark's bare one
 * ({@code bench.Bare}, served by the benchmarks module). Thread-safe (immutable).
 */
public final class RawMethods {
  /** The benchmark's bare gRPC service, served by {@code benchmarks}' BareGrpcService. */
  public static final String BARE_SERVICE = "bench.Bare";

  /**
   * The marshaller both the bare service and the load client use: bytes in, bytes out. It hands
   * gRPC what protobuf's marshaller hands it, a stream of known length that drains in one write,
   * and parses into one array of the exact size: with a plain {@code ByteArrayInputStream} and
   * {@code readAllBytes} the baseline paid for growing buffers and copies that our service does not
   * (JFR showed the parse at about a sixth of the bare service's CPU, issue #17).
   */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
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

  public static final MethodDescriptor<byte[], byte[]> BARE_GET =
      bare("Get", MethodDescriptor.MethodType.UNARY);
  public static final MethodDescriptor<byte[], byte[]> BARE_LIST =
      bare("List", MethodDescriptor.MethodType.UNARY);
  public static final MethodDescriptor<byte[], byte[]> BARE_STREAM =
      bare("Stream", MethodDescriptor.MethodType.SERVER_STREAMING);
  public static final MethodDescriptor<byte[], byte[]> BARE_BATCH =
      bare("BatchCreate", MethodDescriptor.MethodType.CLIENT_STREAMING);
  public static final MethodDescriptor<byte[], byte[]> BARE_LOOKUP =
      bare("Lookup", MethodDescriptor.MethodType.BIDI_STREAMING);

  private RawMethods() {}

  /** A descriptor of a {@code userapi.v1.UserService} method that moves raw bytes. */
  public static MethodDescriptor<byte[], byte[]> userApi(
      String name, MethodDescriptor.MethodType type) {
    return raw("userapi.v1.UserService", name, type);
  }

  private static MethodDescriptor<byte[], byte[]> bare(
      String name, MethodDescriptor.MethodType type) {
    return raw(BARE_SERVICE, name, type);
  }

  private static MethodDescriptor<byte[], byte[]> raw(
      String service, String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

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
}
