package dev.userapi.server.internal;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what clients do to their own connections out of the server's warnings. grpc-netty and
 * Jersey log through java.util.logging, with a stack trace, events that a client causes at will: a
 * REST response whose client hung up, an HTTP/2 REST client gone before the server's GOAWAY, a gRPC
 * connection that sent bytes that are not HTTP/2, a gRPC stream reset while it still had data
 * queued. A filter on exactly the loggers that report them turns each such record into one DEBUG
 * line through SLF4J (logger {@code dev.userapi.server.ClientEvents}, no stack trace) and a count;
 * every other record passes untouched.
 *
 * <p>java.util.logging is one configuration per JVM, so the filter is too: {@link #install()} puts
 * it on the loggers once, however many servers start, and keeps those loggers reachable (JUL holds
 * them weakly, and a collected logger would lose its filter). A filter that was already on one of
 * the loggers still sees every record this one passes. Replacing or removing the filter later only
 * brings the original records back.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
public final class ClientEventLogs {
  /** The events, each with the logger that reports it. */
  public enum Kind {
    /** A REST client closed or reset its connection while its response was being written. */
    REST_CLIENT_GONE("org.glassfish.jersey.server.ServerRuntime$Responder"),
    /** A gRPC connection failed: bytes that are not HTTP/2, a protocol error, a dropped socket. */
    GRPC_TRANSPORT_FAILED("io.grpc.netty.NettyServerTransport.connections"),
    /** A gRPC stream was reset (cancelled, past its deadline) with data still queued for it. */
    GRPC_STREAM_RESET("io.grpc.netty.NettyServerHandler"),
    /**
     * An HTTP/2 client of the REST port had closed its connection by the time the server sent its
     * GOAWAY (Grizzly ends every HTTP/2 session with one).
     */
    REST_HTTP2_CLIENT_GONE("org.glassfish.grizzly.http2.Http2Session");

    private final String loggerName;

    Kind(String loggerName) {
      this.loggerName = loggerName;
    }
  }

  private static final org.slf4j.Logger events =
      LoggerFactory.getLogger("dev.userapi.server.ClientEvents");
  private static final AtomicBoolean installed = new AtomicBoolean();

  // JVM-wide on purpose (see the class comment): the loggers, held strongly, and the counts.
  private static final Map<Kind, Logger> loggers = new EnumMap<>(Kind.class);
  private static final Map<Kind, LongAdder> counts = new EnumMap<>(Kind.class);

  static {
    for (Kind kind : Kind.values()) {
      counts.put(kind, new LongAdder());
    }
  }

  private ClientEventLogs() {}

  /** Puts the filter on the loggers of every {@link Kind}; only the first call does anything. */
  public static void install() {
    if (!installed.compareAndSet(false, true)) {
      return;
    }
    for (Kind kind : Kind.values()) {
      Logger logger = Logger.getLogger(kind.loggerName);
      loggers.put(kind, logger);
      logger.setFilter(new ClientEventFilter(kind, logger.getFilter()));
    }
  }

  /**
   * How many events of {@code kind} this JVM's servers have seen since the filter was installed.
   *
   * @param kind the event
   * @return the count
   */
  public static long count(Kind kind) {
    return counts.get(kind).sum();
  }

  /** Whether {@code record}, logged by the logger of {@code kind}, reports that event. */
  static boolean reports(Kind kind, LogRecord record) {
    Throwable thrown = record.getThrown();
    if (thrown == null) {
      return false;
    }
    String message = String.valueOf(record.getMessage());
    switch (kind) {
      case REST_CLIENT_GONE:
        return message.startsWith("An I/O error has occurred while writing a response")
            && rootCause(thrown) instanceof IOException;
      case GRPC_TRANSPORT_FAILED:
        return message.equals("Transport failed")
            && (thrown instanceof Http2Exception || thrown instanceof IOException);
      case GRPC_STREAM_RESET:
        return message.equals("Stream Error")
            && thrown instanceof Http2Exception.StreamException stream
            && stream.error() == Http2Error.STREAM_CLOSED;
      case REST_HTTP2_CLIENT_GONE:
        return message.startsWith("Unable to write GOAWAY")
            && rootCause(thrown) instanceof IOException;
      default:
        return false;
    }
  }

  private static Throwable rootCause(Throwable thrown) {
    Throwable cause = thrown;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Turns the records of one {@link Kind} into a DEBUG line and a count; passes the others. */
  private static final class ClientEventFilter implements Filter {
    private final Kind kind;
    private final Filter next; // null: none

    ClientEventFilter(Kind kind, Filter next) {
      this.kind = kind;
      this.next = next;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
      if (reports(kind, record)) {
        counts.get(kind).increment();
        if (events.isDebugEnabled()) {
          Throwable cause = rootCause(record.getThrown());
          events.debug(
              "{}: {} ({}: {})",
              kind,
              record.getMessage(),
              cause.getClass().getName(),
              firstLine(cause.getMessage()));
        }
        return false;
      }
      return next == null || next.isLoggable(record);
    }

    private static String firstLine(String message) {
      if (message == null) {
        return "";
      }
      int end = message.indexOf('\n');
      return end < 0 ? message : message.substring(0, end);
    }
  }
}
