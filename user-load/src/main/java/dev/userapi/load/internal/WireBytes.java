package dev.userapi.load.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes the load client sent and received at the socket, for one protocol: for REST counted by
 * {@link HttpConnection}'s stream wrappers, for gRPC by a Netty handler at the head of the client
 * channel's pipeline ({@link #nettyHandler()}), so both include every header, frame and length
 * prefix (HTTP/1.1 head, HTTP/2 frames and HPACK) but not TCP/IP headers. Thread-safe.
 */
public final class WireBytes {
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();

  public void sent(long n) {
    sent.add(n);
  }

  public void received(long n) {
    received.add(n);
  }

  public long sent() {
    return sent.sum();
  }

  public long received() {
    return received.sum();
  }

  /** A sharable handler that counts the bytes read from and written to the socket. */
  public ChannelHandler nettyHandler() {
    return new Counter(this);
  }

  @ChannelHandler.Sharable
  private static final class Counter extends ChannelDuplexHandler {
    private final WireBytes wire;

    Counter(WireBytes wire) {
      this.wire = wire;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        wire.received(buf.readableBytes());
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf buf) {
        wire.sent(buf.readableBytes());
      }
      ctx.write(msg, promise);
    }
  }
}
