package dev.userapi.load.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * REST over cleartext HTTP/2 with prior knowledge (the connection opens with the HTTP/2 preface, as
 * {@code curl --http2-prior-knowledge} does; java.net.http can only upgrade, and it hides the
 * socket, so the bytes on the wire could not be counted). One connection shared by the workers,
 * each call on its own stream, as gRPC uses its channel; more connections only when the workers
 * outnumber the concurrent streams the server allows on one (its SETTINGS_MAX_CONCURRENT_STREAMS).
 * A byte-counting handler sits at the head of the connection's pipeline, so the counts include
 * every frame and HPACK header block. Bodies are JSON. Thread-safe; close it.
 */
public final class H2Load implements AutoCloseable {
  private static final int MAX_BODY = 16 * 1024 * 1024;

  private final EventLoopGroup loop;
  private final String host;
  private final int port;
  private final String authority;
  private final String apiPrefix;
  private final String token;
  private final String domain;
  private final WireBytes wire = new WireBytes();
  private final AtomicLong keys = new AtomicLong();

  /** Open connections, in order; each carries at most {@link #streamsPerConnection} workers. */
  private final List<Channel> connections = new ArrayList<>();

  private final long streamsPerConnection;

  /**
   * Connects once, to learn how many concurrent streams the server allows on a connection.
   *
   * @param token sent as {@code Authorization: Bearer <token>}, or null
   * @param domain the email domain of the users this load creates
   */
  public H2Load(String host, int port, String apiPrefix, String token, String domain)
      throws Exception {
    this.host = host;
    this.port = port;
    this.authority = host + ":" + port;
    this.apiPrefix = apiPrefix;
    this.token = token;
    this.domain = domain;
    this.loop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("cli-h2", true), NioIoHandler.newFactory());
    try {
      CompletableFuture<Long> maxStreams = new CompletableFuture<>();
      connections.add(connect(maxStreams));
      this.streamsPerConnection = maxStreams.get(10, TimeUnit.SECONDS);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /**
   * A new connection; {@code maxStreams} completes with the server's
   * SETTINGS_MAX_CONCURRENT_STREAMS from its first SETTINGS frame (unlimited when absent).
   */
  private Channel connect(CompletableFuture<Long> maxStreams) throws InterruptedException {
    return new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(
                        wire.nettyHandler(),
                        Http2FrameCodecBuilder.forClient().build(),
                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                        new SimpleChannelInboundHandler<Http2SettingsFrame>() {
                          @Override
                          protected void channelRead0(
                              ChannelHandlerContext ctx, Http2SettingsFrame frame) {
                            Long max = frame.settings().maxConcurrentStreams();
                            maxStreams.complete(max == null ? Long.MAX_VALUE : max);
                          }
                        });
              }
            })
        .connect(host, port)
        .sync()
        .channel();
  }

  /** The connection of a worker: workers fill one connection's streams before the next opens. */
  private synchronized Channel connectionOf(int worker) throws InterruptedException {
    int index = (int) (worker / Math.max(1, streamsPerConnection));
    while (connections.size() <= index) {
      connections.add(connect(new CompletableFuture<>()));
    }
    return connections.get(index);
  }

  public WireBytes wire() {
    return wire;
  }

  /** {@code GET <api>/users/{id}} as JSON. */
  public Op.Factory get(boolean gzip, String id) {
    return worker -> call(connectionOf(worker), "GET", apiPrefix + "/users/" + id, gzip, null, 200);
  }

  /** {@code GET <api>/users?pageSize=n} as JSON. */
  public Op.Factory list(boolean gzip, int pageSize) {
    return worker ->
        call(
            connectionOf(worker),
            "GET",
            apiPrefix + "/users?pageSize=" + pageSize,
            gzip,
            null,
            200);
  }

  /** {@code POST <api>/users} with a new user's JSON each call. */
  public Op.Factory create(String tag, boolean gzip) {
    return worker ->
        call(
            connectionOf(worker),
            "POST",
            apiPrefix + "/users",
            gzip,
            i -> Workloads.newUserJson(tag + "-" + keys.getAndIncrement(), domain),
            201);
  }

  private Op call(
      Channel connection,
      String method,
      String path,
      boolean gzip,
      IntFunction<byte[]> body,
      int expected) {
    int[] seq = {0};
    return () -> {
      byte[] bytes = body == null ? null : body.apply(seq[0]++);
      FullHttpRequest request =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1,
              HttpMethod.valueOf(method),
              path,
              bytes == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
      request.headers().set(HttpHeaderNames.HOST, authority);
      request.headers().set(HttpHeaderNames.ACCEPT, "application/json");
      if (gzip) {
        request.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip");
      }
      if (token != null) {
        request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
      }
      if (bytes != null) {
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      }
      CompletableFuture<Integer> status = new CompletableFuture<>();
      Http2StreamChannel stream = openStream(connection, status);
      stream.writeAndFlush(request);
      int code = status.get(60, TimeUnit.SECONDS);
      if (code != expected) {
        throw new IllegalStateException("HTTP " + code + " (expected " + expected + ")");
      }
      return 1;
    };
  }

  private static Http2StreamChannel openStream(
      Channel connection, CompletableFuture<Integer> status) throws Exception {
    return new Http2StreamChannelBootstrap(connection)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline()
                    .addLast(
                        new Http2StreamFrameToHttpObjectCodec(false),
                        new HttpObjectAggregator(MAX_BODY),
                        new SimpleChannelInboundHandler<FullHttpResponse>() {
                          @Override
                          protected void channelRead0(
                              ChannelHandlerContext ctx, FullHttpResponse msg) {
                            status.complete(msg.status().code());
                          }

                          @Override
                          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            status.completeExceptionally(cause);
                          }

                          @Override
                          public void channelInactive(ChannelHandlerContext ctx) {
                            status.completeExceptionally(
                                new IllegalStateException("the stream closed without a response"));
                          }
                        });
              }
            })
        .open()
        .sync()
        .getNow();
  }

  @Override
  public synchronized void close() {
    for (Channel connection : connections) {
      connection.close().syncUninterruptibly();
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
