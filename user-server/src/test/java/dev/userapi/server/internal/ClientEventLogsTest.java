package dev.userapi.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.server.internal.ClientEventLogs.Kind;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The filter on grpc-netty's and Jersey's loggers, fed the records those libraries write: what a
 * client caused is counted and kept off the log; everything else still reaches the handlers.
 */
class ClientEventLogsTest {
  private static final Logger responder =
      Logger.getLogger("org.glassfish.jersey.server.ServerRuntime$Responder");
  private static final Logger transport =
      Logger.getLogger("io.grpc.netty.NettyServerTransport.connections");
  private static final Logger handler = Logger.getLogger("io.grpc.netty.NettyServerHandler");
  private static final Logger http2Session =
      Logger.getLogger("org.glassfish.grizzly.http2.Http2Session");

  private final List<LogRecord> published = new CopyOnWriteArrayList<>();
  private final Map<Logger, Level> levels = new HashMap<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          published.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void install() {
    ClientEventLogs.install();
    ClientEventLogs.install(); // a second server in the same JVM
    for (Logger logger : List.of(responder, transport, handler, http2Session)) {
      // Whatever level an earlier test in this JVM left (the CLI quiets io.grpc to WARNING), this
      // test sees every record the filter lets through.
      levels.put(logger, logger.getLevel());
      logger.setLevel(Level.ALL);
      logger.addHandler(capture);
      logger.setUseParentHandlers(false);
    }
  }

  @AfterEach
  void removeCapture() {
    for (Logger logger : List.of(responder, transport, handler, http2Session)) {
      logger.removeHandler(capture);
      logger.setUseParentHandlers(true);
      logger.setLevel(levels.get(logger));
    }
  }

  @Test
  void aRestClientThatHungUpMidResponseIsCountedNotLogged() {
    long before = ClientEventLogs.count(Kind.REST_CLIENT_GONE);

    responder.log(
        Level.SEVERE,
        "An I/O error has occurred while writing a response message entity to the container output stream.",
        new RuntimeException(
            new IOException("Connection is closed", new IOException("Broken pipe"))));

    assertThat(published).isEmpty();
    assertThat(ClientEventLogs.count(Kind.REST_CLIENT_GONE)).isEqualTo(before + 1);
  }

  @Test
  void bytesThatAreNotHttp2OnTheGrpcPortAreCountedNotLogged() {
    long before = ClientEventLogs.count(Kind.GRPC_TRANSPORT_FAILED);

    transport.log(
        Level.INFO,
        "Transport failed",
        Http2Exception.connectionError(
            Http2Error.PROTOCOL_ERROR, "HTTP/2 client preface string missing or corrupt."));

    assertThat(published).isEmpty();
    assertThat(ClientEventLogs.count(Kind.GRPC_TRANSPORT_FAILED)).isEqualTo(before + 1);
  }

  @Test
  void aGrpcStreamResetWithDataQueuedIsCountedNotLogged() {
    long before = ClientEventLogs.count(Kind.GRPC_STREAM_RESET);

    handler.log(
        Level.WARNING,
        "Stream Error",
        Http2Exception.streamError(
            3, Http2Error.STREAM_CLOSED, "Stream closed before write could take place"));

    assertThat(published).isEmpty();
    assertThat(ClientEventLogs.count(Kind.GRPC_STREAM_RESET)).isEqualTo(before + 1);
  }

  @Test
  void anHttp2RestClientGoneBeforeTheGoawayIsCountedNotLogged() {
    long before = ClientEventLogs.count(Kind.REST_HTTP2_CLIENT_GONE);

    http2Session.log(
        Level.WARNING,
        "Unable to write GOAWAY.  Terminating session.",
        new IOException("Connection reset by peer"));

    assertThat(published).isEmpty();
    assertThat(ClientEventLogs.count(Kind.REST_HTTP2_CLIENT_GONE)).isEqualTo(before + 1);
  }

  @Test
  void everythingElseOnTheSameLoggersStillReachesTheLog() {
    responder.log(
        Level.SEVERE,
        "An I/O error has occurred while writing a response message entity to the container output stream.",
        new IllegalStateException("a bug, not a client"));
    transport.log(Level.INFO, "Transport failed", new IllegalStateException("bug"));
    handler.log(
        Level.WARNING,
        "Stream Error",
        Http2Exception.streamError(3, Http2Error.PROTOCOL_ERROR, "a server bug"));
    handler.log(Level.WARNING, "Exception in onHeadersRead()", new IOException("no"));
    http2Session.log(
        Level.WARNING,
        "Unable to write GOAWAY.  Terminating session.",
        new IllegalStateException());

    assertThat(published).hasSize(5);
  }
}
