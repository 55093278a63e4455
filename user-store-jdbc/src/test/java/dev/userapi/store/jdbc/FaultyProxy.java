package dev.userapi.store.jdbc;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on an ephemeral loopback port that forwards to a target (the test PostgreSQL) and
 * can, while it runs, misbehave the way networks and databases do:
 *
 * <ul>
 *   <li>{@link #latency}: hold every chunk it forwards, in both directions, that long;
 *   <li>{@link #stall()}: stop forwarding in both directions without closing anything (a hung
 *       database or a partition: sockets stay open, nothing answers), until {@link #resume()},
 *       which forwards what was held, in order, closes included;
 *   <li>{@link #cut()}: reset (RST) every open connection on both sides, like a crashed server or a
 *       firewall dropping state; {@link #cutGracefully()} closes them with a FIN instead;
 *   <li>{@link #refuseNewConnections(boolean)}: reset each new connection as soon as it is
 *       accepted, so a client sees its connect fail at once, as with a database that is down. (The
 *       port stays bound so that nothing else can take it meanwhile.)
 * </ul>
 *
 * <p>One thread accepts and two per connection copy bytes; the proxy owns them and its sockets, and
 * {@link #close()} ends them all. Thread-safe.
 */
final class FaultyProxy implements AutoCloseable {
  private static final int CHUNK = 8 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final ExecutorService threads;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition resumed = lock.newCondition();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean stalled;
  private volatile boolean refusing;
  private volatile long latencyNanos;
  private volatile boolean closed;

  private FaultyProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger count = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "faulty-proxy-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    threads.execute(this::acceptLoop);
  }

  /** Starts a proxy to {@code host:port}; close it when done. */
  static FaultyProxy start(String host, int port) {
    try {
      return new FaultyProxy(new InetSocketAddress(requireNonNull(host, "host"), port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The loopback port to connect to instead of the target's. */
  int port() {
    return server.getLocalPort();
  }

  /** How many connections the proxy accepted so far, refused ones included. */
  int acceptedConnections() {
    return accepted.get();
  }

  /** How many connections are open through the proxy now. */
  int openConnections() {
    return links.size();
  }

  /** Holds each forwarded chunk {@code perChunk} before passing it on; zero to stop. */
  void latency(Duration perChunk) {
    latencyNanos = requireNonNull(perChunk, "perChunk").toNanos();
  }

  /** Stops forwarding in both directions; open connections stay open. */
  void stall() {
    stalled = true;
  }

  /** Forwards again, starting with what was held during the stall. */
  void resume() {
    lock.lock();
    try {
      stalled = false;
      resumed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Resets every open connection on both sides (RST, no FIN). */
  void cut() {
    for (Link link : links) {
      link.close(true);
    }
  }

  /** Closes every open connection on both sides (FIN). */
  void cutGracefully() {
    for (Link link : links) {
      link.close(false);
    }
  }

  /** While true, each new connection is reset as soon as it is accepted. */
  void refuseNewConnections(boolean refuse) {
    refusing = refuse;
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server, false);
    cut();
    resume(); // wakes the copiers that wait out a stall, so they see their sockets closed
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the proxy's threads did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      if (refusing) {
        closeQuietly(client, true);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 5_000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client, true);
        closeQuietly(upstream, true);
        continue;
      }
      Link link = new Link(client, upstream);
      links.add(link);
      try {
        threads.execute(() -> link.copy(client, upstream));
        threads.execute(() -> link.copy(upstream, client));
      } catch (RejectedExecutionException e) {
        link.close(true);
      }
    }
  }

  /** Blocks while stalled; false when the proxy closed meanwhile. */
  private boolean awaitForwarding() {
    if (!stalled) {
      return !closed;
    }
    lock.lock();
    try {
      while (stalled && !closed) {
        resumed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
    return !closed;
  }

  private void delay() {
    long nanos = latencyNanos;
    if (nanos > 0) {
      // Injecting the latency is the proxy's job; it never waits for an outcome this way.
      LockSupport.parkNanos(nanos);
    }
  }

  private static void closeQuietly(java.io.Closeable closeable, boolean reset) {
    try {
      if (reset && closeable instanceof Socket socket && !socket.isClosed()) {
        socket.setSoLinger(true, 0); // close() then sends RST instead of FIN
      }
      closeable.close();
    } catch (IOException e) {
      // already closed or reset by the peer
    }
  }

  /** One proxied connection: the client's socket and ours to the target. */
  private final class Link {
    private final Socket client;
    private final Socket upstream;
    private final AtomicInteger halfClosed = new AtomicInteger();

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void copy(Socket from, Socket to) {
      byte[] buffer = new byte[CHUNK];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          delay();
          if (!awaitForwarding()) {
            break;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
        // End of stream: pass the FIN on (after a stall, in order), and finish once both
        // directions have.
        if (awaitForwarding()) {
          to.shutdownOutput();
        }
        if (halfClosed.incrementAndGet() == 2) {
          close(false);
        }
      } catch (IOException e) {
        close(true); // a reset (or our own close) on one side resets the other
      }
    }

    void close(boolean reset) {
      if (links.remove(this)) {
        closeQuietly(client, reset);
        closeQuietly(upstream, reset);
      }
    }
  }
}
