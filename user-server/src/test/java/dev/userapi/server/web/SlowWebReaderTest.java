package dev.userapi.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.proto.v1.StreamUsersRequest;
import dev.userapi.server.UserServer;
import dev.userapi.testkit.GeneratedUsers;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flow control of gRPC-Web streams end to end: a reader that stalls holds the server to what the
 * connection buffers (the server asks the call for a message only when Grizzly can write it), and a
 * reader that stops for the idle timeout is cut off and the read of the store closed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SlowWebReaderTest {
  /** The same bound as native gRPC's slow-reader test: far below a million users. */
  private static final long MAX_IN_FLIGHT = 100_000;

  private UserServer server;
  private Socket socket;

  @AfterEach
  void stop() throws java.io.IOException {
    if (socket != null) {
      socket.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private UserServer start(GeneratedUsers store, Duration idleTimeout) {
    server =
        UserServer.builder(store)
            .restPort(0)
            .grpcPort(0)
            .blockingStore(false)
            .idleTimeout(idleTimeout)
            .webProtocols(true)
            .build()
            .start();
    return server;
  }

  @Test
  void aSlowGrpcWebReaderOfAMillionUsersKeepsTheServerBounded() throws Exception {
    long total = 1_000_000;
    GeneratedUsers store = new GeneratedUsers(total);
    start(store, Duration.ofSeconds(60));

    long consumed = 0;
    long maxInFlight;
    try (DataInputStream in = openStream()) {
      assertThat(readFrame(in)).isZero();
      consumed++;
      // The reader stalls: the server must stop producing once the connection is full.
      store.awaitStall(Duration.ofSeconds(30));
      maxInFlight = store.emitted() - consumed;
      assertThat(maxInFlight).isLessThan(MAX_IN_FLIGHT);

      int flags;
      while ((flags = readFrame(in)) == 0) {
        consumed++;
        maxInFlight = Math.max(maxInFlight, store.emitted() - consumed);
      }
      assertThat(flags).isEqualTo(0x80);
    }

    assertThat(consumed).isEqualTo(total);
    assertThat(store.emitted()).isEqualTo(total);
    assertThat(maxInFlight).isLessThan(MAX_IN_FLIGHT);
  }

  @Test
  void aGrpcWebReaderThatStopsIsCutOffAfterTheIdleTimeout() throws Exception {
    GeneratedUsers store = new GeneratedUsers(Long.MAX_VALUE);
    start(store, Duration.ofMillis(500));

    try (DataInputStream in = openStream()) {
      assertThat(readFrame(in)).isZero();
      // The reader stops; the server gives up on it and closes its read of the store.
      assertThat(store.awaitClosed(Duration.ofSeconds(30))).as("server-side read closed").isTrue();
      long emitted = store.emitted();
      assertThat(emitted).isLessThan(MAX_IN_FLIGHT);

      // What was on its way still arrives, then the stream ends (trailers or a cut connection).
      long received = 1;
      try {
        while (readFrame(in) == 0) {
          received++;
        }
      } catch (java.io.IOException e) {
        // cut off: also an end
      }
      assertThat(received).isLessThanOrEqualTo(emitted);
    }
  }

  @Test
  void aGrpcWebReaderThatHangsUpStopsTheReadOfTheStore() throws Exception {
    GeneratedUsers store = new GeneratedUsers(Long.MAX_VALUE);
    start(store, Duration.ofSeconds(60));

    try (DataInputStream in = openStream()) {
      assertThat(readFrame(in)).isZero();
    }
    socket.close();

    assertThat(store.awaitClosed(Duration.ofSeconds(30))).as("server-side read closed").isTrue();
    assertThat(store.emitted()).isLessThan(MAX_IN_FLIGHT);
  }

  /**
   * Opens the stream on a raw socket with a small receive buffer, as a slow browser tab would leave
   * it, and returns its body with the chunked encoding taken off.
   */
  private DataInputStream openStream() throws Exception {
    byte[] frame = WebWire.frames(StreamUsersRequest.getDefaultInstance().toByteArray());
    socket = new Socket();
    socket.setReceiveBufferSize(64 * 1024);
    socket.setSoTimeout(30_000);
    socket.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.restUri().getPort()));
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /userapi.v1.UserService/StreamUsers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/grpc-web+proto\r\nContent-Length: "
                + frame.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(frame);
    out.flush();
    InputStream in = new BufferedInputStream(socket.getInputStream(), 4096);
    String status = WebWire.readHead(in);
    assertThat(status).startsWith("HTTP/1.1 200").contains("Transfer-Encoding: chunked");
    return new DataInputStream(new WebWire.Dechunked(in));
  }

  /** Reads one frame; returns its flags. */
  private static int readFrame(DataInputStream in) throws java.io.IOException {
    int flags = in.read();
    if (flags < 0) {
      throw new EOFException("the stream ended without trailers");
    }
    int length = in.readInt();
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) {
      throw new EOFException("truncated frame");
    }
    if ((flags & 0x80) != 0) {
      assertThat(new String(payload, StandardCharsets.US_ASCII)).contains("grpc-status: 0");
    }
    return flags;
  }
}
