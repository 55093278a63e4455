package dev.userapi.load.internal;

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
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
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
public final class GrpcLoad implements AutoCloseable {
  public static final MethodDescriptor<byte[], byte[]> GET =
      RawMethods.userApi("GetUser", MethodType.UNARY);
  public static final MethodDescriptor<byte[], byte[]> LIST =
      RawMethods.userApi("ListUsers", MethodType.UNARY);
  public static final MethodDescriptor<byte[], byte[]> CREATE =
      RawMethods.userApi("CreateUser", MethodType.UNARY);
  public static final MethodDescriptor<byte[], byte[]> UPDATE =
      RawMethods.userApi("UpdateUser", MethodType.UNARY);
  public static final MethodDescriptor<byte[], byte[]> STREAM =
      RawMethods.userApi("StreamUsers", MethodType.SERVER_STREAMING);
  public static final MethodDescriptor<byte[], byte[]> BATCH =
      RawMethods.userApi("BatchCreateUsers", MethodType.CLIENT_STREAMING);
  public static final MethodDescriptor<byte[], byte[]> LOOKUP =
      RawMethods.userApi("LookupUsers", MethodType.BIDI_STREAMING);

  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final WireBytes wire = new WireBytes();
  private final String domain;

  /** Makes every created user's email unique, across cells, warm-ups and workers. */
  private final AtomicLong keys = new AtomicLong();

  /** The client's one event loop, named {@code cli-grpc-*}: never counted as server CPU. */
  private static EventLoopGroup eventLoop(boolean epoll) {
    return new MultiThreadIoEventLoopGroup(
        1,
        new DefaultThreadFactory("cli-grpc", true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  public GrpcLoad(String host, int port) {
    this(host, port, null, Workloads.DEFAULT_DOMAIN);
  }

  /**
   * @param token sent as {@code authorization: Bearer <token>} metadata on every call, or null
   * @param domain the email domain of the users this load creates
   */
  public GrpcLoad(String host, int port, String token, String domain) {
    this.domain = domain;
    boolean epoll = epollAvailable();
    this.group = eventLoop(epoll);
    NettyChannelBuilder builder =
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
            .maxInboundMessageSize(64 * 1024 * 1024);
    if (token != null) {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.channel = builder.build();
  }

  /** Epoll when its native transport is on the class path (benchmarks), NIO otherwise. */
  private static boolean epollAvailable() {
    try {
      return Epoll.isAvailable();
    } catch (LinkageError absent) {
      return false;
    }
  }

  public WireBytes wire() {
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

  public Op.Factory get(boolean bare, boolean gzip, String id) {
    byte[] request = GetUserRequest.newBuilder().setId(id).build().toByteArray();
    return worker -> unary(bare ? RawMethods.BARE_GET : GET, gzip, request);
  }

  /** Gets of ids chosen round-robin from {@code ids}, starting at a worker-specific offset. */
  public Op.Factory getEach(boolean bare, List<String> ids) {
    CallOptions options = options(false);
    MethodDescriptor<byte[], byte[]> method = bare ? RawMethods.BARE_GET : GET;
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

  public Op.Factory list(boolean bare, boolean gzip, int pageSize) {
    byte[] request = ListUsersRequest.newBuilder().setPageSize(pageSize).build().toByteArray();
    return worker -> unary(bare ? RawMethods.BARE_LIST : LIST, gzip, request);
  }

  public Op.Factory create(String tag) {
    return create(tag, false);
  }

  /** Creates users; with {@code gzip} the calls are compressed. */
  public Op.Factory create(String tag, boolean gzip) {
    CallOptions options = options(gzip);
    return worker -> {
      return () -> {
        byte[] request =
            CreateUserRequest.newBuilder()
                .setUser(Workloads.newUserProto(tag + "-" + keys.getAndIncrement(), domain))
                .build()
                .toByteArray();
        ClientCalls.blockingUnaryCall(channel, CREATE, options, request);
        return 1;
      };
    };
  }

  /**
   * Creates one user and returns its id: what a run seeds before it reads.
   *
   * @throws io.grpc.StatusRuntimeException when the call fails
   */
  public String seed(String key) throws Exception {
    byte[] request =
        CreateUserRequest.newBuilder()
            .setUser(Workloads.newUserProto(key, domain))
            .build()
            .toByteArray();
    return User.parseFrom(ClientCalls.blockingUnaryCall(channel, CREATE, options(false), request))
        .getId();
  }

  /** Conditional renames of one user per worker; the etag is the version, known to the worker. */
  public Op.Factory update(IntFunction<String> userOfWorker) {
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
  public Op.Factory stream(boolean bare, long expected) {
    byte[] request = StreamUsersRequest.getDefaultInstance().toByteArray();
    return worker ->
        () -> {
          Exchange reader = new Exchange(0, i -> null);
          ClientCalls.asyncServerStreamingCall(
              channel.newCall(bare ? RawMethods.BARE_STREAM : STREAM, options(false)),
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
  public Op.Factory bulkCreate(boolean bare, String tag, int total, int batch) {
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
                          .setUser(Workloads.newUserProto(tag + "-" + (base + i), domain))
                          .build()
                          .toByteArray());
          ClientCalls.asyncClientStreamingCall(
              channel.newCall(bare ? RawMethods.BARE_BATCH : BATCH, options(false)), upload);
          upload.await();
          done += n;
        }
        return total;
      };
    };
  }

  /** One lookup session of {@code count} ids on one bidirectional stream. */
  public Op.Factory lookup(boolean bare, List<String> ids, int count) {
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
              channel.newCall(bare ? RawMethods.BARE_LOOKUP : LOOKUP, options(false)), session);
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
  public ClientCall<byte[], byte[]> newCall(MethodDescriptor<byte[], byte[]> method) {
    return channel.newCall(method, options(false));
  }
}
