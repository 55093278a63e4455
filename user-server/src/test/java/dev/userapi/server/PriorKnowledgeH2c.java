package dev.userapi.server;

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
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test's HTTP/2 client with prior knowledge: one cleartext connection that opens with the HTTP/2
 * preface (what {@code curl --http2-prior-knowledge} does), one stream per request. java.net.http
 * cannot do this (it only upgrades), so Netty's HTTP/2 codec, already on the class path for gRPC,
 * does it. Not thread-safe; close it.
 */
public final class PriorKnowledgeH2c implements AutoCloseable {
  private static final int MAX_BODY = 16 * 1024 * 1024;

  private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel connection;
  private final String authority;

  public PriorKnowledgeH2c(int port) throws InterruptedException {
    authority = "127.0.0.1:" + port;
    connection =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    // The frame codec writes the preface as soon as the socket connects.
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient().build(),
                            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /** Sends a request on a new stream and waits for the whole response. */
  public WireResponse send(String method, String path, Map<String, String> headers, String body)
      throws Exception {
    return sendAsync(method, path, headers, body, true).get(20, TimeUnit.SECONDS);
  }

  /**
   * Sends a request on a new stream; the future completes with the whole response. With {@code
   * declareLength} false a body goes without {@code Content-Length} (its DATA frames frame it).
   */
  public CompletableFuture<WireResponse> sendAsync(
      String method, String path, Map<String, String> headers, String body, boolean declareLength)
      throws InterruptedException {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(method),
            path,
            body == null
                ? Unpooled.EMPTY_BUFFER
                : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    request.headers().set(HttpHeaderNames.HOST, authority);
    headers.forEach(request.headers()::set);
    if (body != null && declareLength) {
      request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
    }
    CompletableFuture<WireResponse> response = new CompletableFuture<>();
    Http2StreamChannel stream = openStream(response, true);
    stream.writeAndFlush(request).sync();
    return response;
  }

  /**
   * Starts a request whose body declares {@code declaredLength} bytes but stops after {@code
   * prefix}: the stream stays open, its body never ends. The future completes with the response.
   */
  public CompletableFuture<WireResponse> sendStalled(
      String path, Map<String, String> headers, String prefix, int declaredLength)
      throws InterruptedException {
    DefaultHttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path);
    head.headers().set(HttpHeaderNames.HOST, authority);
    headers.forEach(head.headers()::set);
    head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, declaredLength);
    CompletableFuture<WireResponse> response = new CompletableFuture<>();
    Http2StreamChannel stream = openStream(response, true);
    stream.write(head);
    stream
        .writeAndFlush(
            new DefaultHttpContent(Unpooled.copiedBuffer(prefix, StandardCharsets.UTF_8)))
        .sync();
    return response;
  }

  /**
   * Opens a {@code GET} stream whose response this client never reads: it sends no WINDOW_UPDATE
   * for it, so the server may write only what HTTP/2 flow control allows. Close the returned
   * channel to reset the stream.
   */
  public Http2StreamChannel openUnread(String path) throws InterruptedException {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
    request.headers().set(HttpHeaderNames.HOST, authority);
    Http2StreamChannel stream = openStream(new CompletableFuture<>(), false);
    stream.writeAndFlush(request).sync();
    return stream;
  }

  private Http2StreamChannel openStream(CompletableFuture<WireResponse> response, boolean read)
      throws InterruptedException {
    return new Http2StreamChannelBootstrap(connection)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                ch.config().setAutoRead(read);
                ch.pipeline()
                    .addLast(
                        new Http2StreamFrameToHttpObjectCodec(false),
                        new HttpObjectAggregator(MAX_BODY),
                        new SimpleChannelInboundHandler<FullHttpResponse>() {
                          @Override
                          protected void channelRead0(
                              ChannelHandlerContext ctx, FullHttpResponse msg) {
                            response.complete(WireResponse.of(msg));
                          }

                          @Override
                          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            response.completeExceptionally(cause);
                          }

                          @Override
                          public void channelInactive(ChannelHandlerContext ctx) {
                            response.completeExceptionally(
                                new IllegalStateException("the stream closed without a response"));
                          }
                        });
              }
            })
        .open()
        .sync()
        .getNow();
  }

  /** The number of streams the server's SETTINGS let this client open at once. */
  public int streamsAllowedByServer() {
    return connection.pipeline().get(Http2FrameCodec.class).connection().local().maxActiveStreams();
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return connection.isActive();
  }

  @Override
  public void close() {
    connection.close().syncUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A response reduced to what the tests compare: status, headers by lower-case name, body. */
  public record WireResponse(int status, Map<String, List<String>> headers, String body) {
    static WireResponse of(FullHttpResponse response) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String name : response.headers().names()) {
        headers.put(name.toLowerCase(java.util.Locale.ROOT), response.headers().getAll(name));
      }
      return new WireResponse(
          response.status().code(), headers, response.content().toString(StandardCharsets.UTF_8));
    }

    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }
}
