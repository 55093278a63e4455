package dev.userapi.benchmarks;

import com.google.protobuf.FieldMask;
import dev.userapi.proto.v1.BatchCreateUsersRequest;
import dev.userapi.proto.v1.CreateUserRequest;
import dev.userapi.proto.v1.GetUserRequest;
import dev.userapi.proto.v1.ListUsersRequest;
import dev.userapi.proto.v1.LookupUsersRequest;
import dev.userapi.proto.v1.StreamUsersRequest;
import dev.userapi.proto.v1.UpdateUserRequest;
import dev.userapi.proto.v1.User;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The gRPC side of the load client: one channel (one HTTP/2 connection) shared by all workers, as
 * gRPC clients are meant to be used, with a byte-counting handler at the socket. Calls move raw
 * bytes (pre-encoded requests, undecoded responses) so the client does the same work against the
 * real service and the bare one; errors arrive as non-OK statuses and are counted.
 */
final class GrpcLoad implements AutoCloseable {
  static final MethodDescriptor<byte[], byte[]> GET =
      BareGrpcService.userApi("GetUser", MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> LIST =
      BareGrpcService.userApi("ListUsers", MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> CREATE =
      BareGrpcService.userApi("CreateUser", MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> UPDATE =
      BareGrpcService.userApi("UpdateUser", MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> STREAM =
      BareGrpcService.userApi("StreamUsers", MethodType.SERVER_STREAMING);
  static final MethodDescriptor<byte[], byte[]> BATCH =
      BareGrpcService.userApi("BatchCreateUsers", MethodType.CLIENT_STREAMING);
  static final MethodDescriptor<byte[], byte[]> LOOKUP =
      BareGrpcService.userApi("LookupUsers", MethodType.BIDI_STREAMING);

  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final WireBytes wire = new WireBytes();

  /** Makes every created user's email unique, across cells, warm-ups and workers. */
  private final AtomicLong keys = new AtomicLong();

  /** The client's one event loop, named {@code cli-grpc-*}: never counted as server CPU. */
  private static EventLoopGroup eventLoop(boolean epoll) {
    return new MultiThreadIoEventLoopGroup(
        1,
        new DefaultThreadFactory("cli-grpc", true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  GrpcLoad(String host, int port) {
    boolean epoll = Epoll.isAvailable();
    this.group = eventLoop(epoll);
    this.channel =
        NettyChannelBuilder.forAddress(host, port)
            .negotiationType(NegotiationType.PLAINTEXT)
            .eventLoopGroup(group)
            .channelFactory(
                () -> {
                  Channel ch = epoll ? new EpollSocketChannel() : new NioSocketChannel();
                  ch.pipeline().addFirst("wire-bytes", wire.nettyHandler());
                  return ch;
                })
            .directExecutor()
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
  }

  WireBytes wire() {
    return wire;
  }

  private static CallOptions options(boolean gzip) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS);
    return gzip ? options.withCompression("gzip") : options;
  }

  private Op unary(MethodDescriptor<byte[], byte[]> method, boolean gzip, byte[] request) {
    CallOptions options = options(gzip);
    return () -> {
      ClientCalls.blockingUnaryCall(channel, method, options, request);
      return 1;
    };
  }

  Op.Factory get(boolean bare, boolean gzip, String id) {
    byte[] request = GetUserRequest.newBuilder().setId(id).build().toByteArray();
    return worker -> unary(bare ? BareGrpcService.GET : GET, gzip, request);
  }

  /** Gets of ids chosen round-robin from {@code ids}, starting at a worker-specific offset. */
  Op.Factory getEach(boolean bare, List<String> ids) {
    CallOptions options = options(false);
    MethodDescriptor<byte[], byte[]> method = bare ? BareGrpcService.GET : GET;
    return worker -> {
      int[] next = {worker * 7919};
      return () -> {
        String id = ids.get(Math.floorMod(next[0]++, ids.size()));
        ClientCalls.blockingUnaryCall(
            channel, method, options, GetUserRequest.newBuilder().setId(id).build().toByteArray());
        return 1;
      };
    };
  }

  Op.Factory list(boolean bare, boolean gzip, int pageSize) {
    byte[] request = ListUsersRequest.newBuilder().setPageSize(pageSize).build().toByteArray();
    return worker -> unary(bare ? BareGrpcService.LIST : LIST, gzip, request);
  }

  Op.Factory create(String tag) {
    CallOptions options = options(false);
    return worker -> {
      return () -> {
        byte[] request =
            CreateUserRequest.newBuilder()
                .setUser(Workloads.newUserProto(tag + "-" + keys.getAndIncrement()))
                .build()
                .toByteArray();
        ClientCalls.blockingUnaryCall(channel, CREATE, options, request);
        return 1;
      };
    };
  }

  /** Conditional renames of one user per worker; the etag is the version, known to the worker. */
  Op.Factory update(IntFunction<String> userOfWorker) {
    CallOptions options = options(false);
    FieldMask mask = FieldMask.newBuilder().addPaths("name").build();
    return worker -> {
      String id = userOfWorker.apply(worker);
      long[] version = {1};
      return () -> {
        byte[] request =
            UpdateUserRequest.newBuilder()
                .setUser(
                    User.newBuilder()
                        .setId(id)
                        .setName("Renamed " + worker + "-" + (version[0] + 1))
                        .setEtag(Long.toString(version[0])))
                .setUpdateMask(mask)
                .build()
                .toByteArray();
        ClientCalls.blockingUnaryCall(channel, UPDATE, options, request);
        version[0]++;
        return 1;
      };
    };
  }

  /**
   * Reads a whole server stream; returns the number of messages. Messages are counted on the
   * transport thread as they arrive (the channel's direct executor), because a blocking iterator
   * would hand every message to the reading thread and measure that hand-off instead of gRPC.
   */
  Op.Factory stream(boolean bare, long expected) {
    byte[] request = StreamUsersRequest.getDefaultInstance().toByteArray();
    return worker ->
        () -> {
          Exchange reader = new Exchange(0, i -> null);
          ClientCalls.asyncServerStreamingCall(
              channel.newCall(bare ? BareGrpcService.STREAM : STREAM, options(false)),
              request,
              reader);
          reader.awaitEnd();
          long n = reader.responses.get();
          Workloads.check(
              expected < 0 || n == expected, "streamed " + n + " users, expected " + expected);
          return n;
        };
  }

  /** Creates {@code total} users as client streams of {@code batch} messages each. */
  Op.Factory bulkCreate(boolean bare, String tag, int total, int batch) {
    return worker -> {
      return () -> {
        long done = 0;
        while (done < total) {
          int n = (int) Math.min(batch, total - done);
          long base = keys.getAndAdd(n);
          Exchange upload =
              new Exchange(
                  n,
                  i ->
                      BatchCreateUsersRequest.newBuilder()
                          .setUser(Workloads.newUserProto(tag + "-" + (base + i)))
                          .build()
                          .toByteArray());
          ClientCalls.asyncClientStreamingCall(
              channel.newCall(bare ? BareGrpcService.BATCH : BATCH, options(false)), upload);
          upload.await();
          done += n;
        }
        return total;
      };
    };
  }

  /** One lookup session of {@code count} ids on one bidirectional stream. */
  Op.Factory lookup(boolean bare, List<String> ids, int count) {
    return worker ->
        () -> {
          Exchange session =
              new Exchange(
                  count,
                  i ->
                      LookupUsersRequest.newBuilder()
                          .setId(ids.get(i % ids.size()))
                          .build()
                          .toByteArray());
          ClientCalls.asyncBidiStreamingCall(
              channel.newCall(bare ? BareGrpcService.LOOKUP : LOOKUP, options(false)), session);
          session.await();
          Workloads.check(
              session.responses.get() == count,
              "looked up " + session.responses.get() + " of " + count);
          return count;
        };
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /**
   * Writes {@code count} request messages as fast as flow control allows (only while the call is
   * ready), counts the responses, and waits for the end of the call.
   */
  private static final class Exchange implements ClientResponseObserver<byte[], byte[]> {
    private static final int RESPONSE_BATCH = 256;
    private final int count;
    private final IntFunction<byte[]> message;
    private final CountDownLatch done = new CountDownLatch(1);
    final AtomicLong responses = new AtomicLong();
    private volatile Throwable error;
    private volatile Thread writer;
    private ClientCallStreamObserver<byte[]> requests;

    Exchange(int count, IntFunction<byte[]> message) {
      this.count = count;
      this.message = message;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
      this.requests = requestStream;
      // Ask for responses in batches rather than one at a time: less per-message bookkeeping on
      // the client, which shares the machine with the server under test.
      requestStream.disableAutoRequestWithInitial(RESPONSE_BATCH * 2);
      if (count == 0) {
        return;
      }
      requestStream.setOnReadyHandler(
          () -> {
            Thread w = writer;
            if (w != null) {
              LockSupport.unpark(w);
            }
          });
    }

    /** Waits for the end of a call whose requests were sent by someone else. */
    void awaitEnd() throws Exception {
      done.await();
      if (error != null) {
        throw new IllegalStateException(Status.fromThrowable(error).toString(), error);
      }
    }

    void await() throws Exception {
      writer = Thread.currentThread();
      for (int i = 0; i < count; i++) {
        while (!requests.isReady()) {
          if (done.getCount() == 0) {
            break;
          }
          LockSupport.parkNanos(1_000_000);
        }
        if (done.getCount() == 0) {
          break;
        }
        requests.onNext(message.apply(i));
      }
      requests.onCompleted();
      done.await();
      if (error != null) {
        throw new IllegalStateException(Status.fromThrowable(error).toString(), error);
      }
    }

    @Override
    public void onNext(byte[] value) {
      if (responses.incrementAndGet() % RESPONSE_BATCH == 0) {
        requests.request(RESPONSE_BATCH);
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done.countDown();
    }

    @Override
    public void onCompleted() {
      done.countDown();
    }
  }

  /** A call for {@code method} on this load client's channel (for one-off checks). */
  ClientCall<byte[], byte[]> newCall(MethodDescriptor<byte[], byte[]> method) {
    return channel.newCall(method, options(false));
  }
}
