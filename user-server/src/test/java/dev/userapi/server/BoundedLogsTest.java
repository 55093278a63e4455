package dev.userapi.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.HealthStatus;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.proto.v1.StreamUsersRequest;
import dev.userapi.proto.v1.User;
import dev.userapi.proto.v1.UserServiceGrpc;
import dev.userapi.server.cli.UserServerCommand;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What clients do to a connection or a call — give up on a stream, let its deadline pass, cancel
 * it, reset the connection, send bytes that are no protocol at all — is theirs, not the operator's:
 * however often they do it, the server's log stays a few lines long and carries no stack trace.
 *
 * <p>The command-line server runs in a JVM of its own, so that everything it prints (SLF4J's simple
 * binding and java.util.logging's console handler both write to stderr) is counted, with the
 * logging set up exactly as operators get it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BoundedLogsTest {
  private static final int SEEDED = 2000;

  /** Abandoned streams: gRPC first, then REST {@code :stream} and {@code :watch}. */
  private static final int GRPC_STREAMS = 700;

  private static final int REST_STREAMS = 150;
  private static final int REST_WATCHES = 150;

  /** Connections reset right after a request, on each port. */
  private static final int RESETS = 100;

  /** Connections that send garbage, on each port. */
  private static final int GARBAGE = 50;

  /** Lines beyond the banner: the start and the shutdown take a few, the abuse none. */
  private static final int MAX_LOG_LINES = 20;

  private static final Pattern STACK_TRACE =
      Pattern.compile("^\\s+at |^\\s*Caused by|Exception|^\\s+\\.\\.\\. \\d+ more");

  @Test
  void clientsThatAbandonResetOrGarbleTheirCallsLeaveAFewLinesAndNoStackTraceInTheLog()
      throws Exception {
    ChildServer server = ChildServer.start("--seed", Integer.toString(SEEDED));
    try {
      abandonGrpcStreams(server.grpcTarget);
      ExecutorService sockets = Executors.newFixedThreadPool(16);
      try {
        List<CompletableFuture<Void>> abuse = new ArrayList<>();
        for (int i = 0; i < REST_STREAMS; i++) {
          abuse.add(abandonRest(sockets, server.restPort, "/api/users:stream", i % 2 == 0));
        }
        for (int i = 0; i < REST_WATCHES; i++) {
          abuse.add(
              abandonRest(
                  sockets, server.restPort, "/api/users:watch?afterSequence=0", i % 2 == 0));
        }
        for (int i = 0; i < RESETS; i++) {
          abuse.add(resetAfterSending(sockets, server.restPort, httpGet("/api/users?pageSize=50")));
          abuse.add(resetAfterSending(sockets, server.grpcPort, http2Preface()));
        }
        Random random = new Random(18);
        for (int i = 0; i < GARBAGE; i++) {
          abuse.add(garbage(sockets, server.restPort, malformedRequestLine(random)));
          abuse.add(garbage(sockets, server.grpcPort, randomBytes(random)));
        }
        CompletableFuture.allOf(abuse.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      } finally {
        sockets.shutdownNow();
      }

      // Still serving, on both protocols.
      try (GrpcUserClient client = GrpcUserClient.connect(server.grpcTarget)) {
        assertThat(client.health()).isEqualTo(HealthStatus.SERVING);
      }
      assertThat(fetch(server.restPort, httpGet("/api/health"))).startsWith("HTTP/1.1 200");
    } finally {
      server.stop();
    }

    List<String> log = server.logLines();
    String text = String.join("\n", log);
    assertThat(log).as(text).noneMatch(line -> STACK_TRACE.matcher(line).find());
    assertThat(log).as(text).hasSizeLessThanOrEqualTo(MAX_LOG_LINES);
  }

  /**
   * StreamUsers calls with a short deadline whose reader takes the first user and no more; every
   * third cancels after that first user. One channel, at most 100 calls open at a time so that
   * every call reaches the server before its deadline.
   */
  private static void abandonGrpcStreams(String target) throws InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    try {
      Semaphore open = new Semaphore(100);
      CountDownLatch ended = new CountDownLatch(GRPC_STREAMS);
      UserServiceGrpc.UserServiceStub stub = UserServiceGrpc.newStub(channel);
      for (int i = 0; i < GRPC_STREAMS; i++) {
        open.acquire();
        stub.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
            .streamUsers(
                StreamUsersRequest.getDefaultInstance(),
                new FirstUserOnly(
                    i % 3 == 0,
                    () -> {
                      open.release();
                      ended.countDown();
                    }));
      }
      assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Reads the first user of a stream, then stops asking; cancels then if told to. */
  private static final class FirstUserOnly
      implements ClientResponseObserver<StreamUsersRequest, User> {
    private final boolean cancel;
    private final Runnable onEnd;
    private ClientCallStreamObserver<StreamUsersRequest> call;

    FirstUserOnly(boolean cancel, Runnable onEnd) {
      this.cancel = cancel;
      this.onEnd = onEnd;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StreamUsersRequest> call) {
      this.call = call;
      call.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(User user) {
      if (cancel) {
        call.cancel("the client lost interest", null);
      }
    }

    @Override
    public void onError(Throwable t) {
      onEnd.run();
    }

    @Override
    public void onCompleted() {
      onEnd.run();
    }
  }

  /**
   * A REST request whose client reads the first bytes of the response, then closes its socket
   * (reset, or a normal close).
   */
  private static CompletableFuture<Void> abandonRest(
      ExecutorService sockets, int port, String path, boolean reset) {
    return CompletableFuture.runAsync(
        () -> {
          try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096); // so the response cannot all fit in the buffers
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.getOutputStream().write(httpGet(path));
            socket.getOutputStream().flush();
            int first = socket.getInputStream().read(new byte[1024]);
            assertThat(first).isPositive();
            if (reset) {
              socket.setSoLinger(true, 0);
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        sockets);
  }

  /** Sends {@code request}, then resets the connection without waiting for an answer. */
  private static CompletableFuture<Void> resetAfterSending(
      ExecutorService sockets, int port, byte[] request) {
    return CompletableFuture.runAsync(
        () -> {
          try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            socket.setSoLinger(true, 0);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        sockets);
  }

  /** Sends {@code bytes} and reads whatever comes back until the server hangs up. */
  private static CompletableFuture<Void> garbage(ExecutorService sockets, int port, byte[] bytes) {
    return CompletableFuture.runAsync(
        () -> {
          try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            drain(socket.getInputStream());
          } catch (IOException e) {
            // A reset is one of the answers a server may give garbage.
          }
        },
        sockets);
  }

  private static String fetch(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      byte[] buffer = new byte[4096];
      int n = socket.getInputStream().read(buffer);
      return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    while (in.read(buffer) >= 0) {
      // nothing to keep
    }
  }

  private static byte[] httpGet(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The HTTP/2 client preface and an empty SETTINGS frame: the start of a gRPC connection. */
  private static byte[] http2Preface() {
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] settings = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    byte[] bytes = new byte[preface.length + settings.length];
    System.arraycopy(preface, 0, bytes, 0, preface.length);
    System.arraycopy(settings, 0, bytes, preface.length, settings.length);
    return bytes;
  }

  private static byte[] malformedRequestLine(Random random) {
    String[] lines = {
      "GET\r\n\r\n",
      "GET /api/users HTTP/9.9\r\n\r\n",
      "\u0001\u0002 / HTTP/1.1\r\n\r\n",
      "GET /api/users HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n",
      "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n"
    };
    return lines[random.nextInt(lines.length)].getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[64 + random.nextInt(512)];
    random.nextBytes(bytes);
    return bytes;
  }

  /**
   * The command-line server in a JVM of its own; its stdout and stderr are read as one, the banner
   * (which the server prints on stdout once it listens) set apart from the log.
   */
  private static final class ChildServer {
    private static final Pattern REST =
        Pattern.compile("REST  listening on http://127\\.0\\.0\\.1:(\\d+)/api/users");
    private static final Pattern GRPC =
        Pattern.compile("gRPC  listening on (127\\.0\\.0\\.1:(\\d+))");

    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private int restPort;
    private int grpcPort;
    private String grpcTarget;

    private ChildServer(Process process) {
      this.process = process;
      this.reader = new Thread(this::read, "child-server-output");
    }

    static ChildServer start(String... args) throws IOException, InterruptedException {
      String java =
          System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
      List<String> command = new ArrayList<>();
      command.add(java);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(UserServerCommand.class.getName());
      command.addAll(List.of("--rest-port", "0", "--grpc-port", "0", "--grace-period", "2s"));
      command.addAll(List.of(args));
      ChildServer server =
          new ChildServer(new ProcessBuilder(command).redirectErrorStream(true).start());
      server.awaitBanner();
      return server;
    }

    /** Reads up to the banner's last line, then hands the rest to a thread. */
    private void awaitBanner() throws IOException, InterruptedException {
      BufferedReader out = output();
      StringBuilder banner = new StringBuilder();
      boolean inBanner = false;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("userapi server: ")) {
          inBanner = true;
        }
        if (!inBanner) {
          log.add(line);
          continue;
        }
        banner.append(line).append('\n');
        if (line.startsWith("Ctrl-C")) {
          break;
        }
      }
      Matcher rest = REST.matcher(banner);
      Matcher grpc = GRPC.matcher(banner);
      if (!rest.find() || !grpc.find()) {
        process.destroyForcibly();
        throw new IllegalStateException("no banner; the server printed:\n" + log + banner);
      }
      restPort = Integer.parseInt(rest.group(1));
      grpcTarget = grpc.group(1);
      grpcPort = Integer.parseInt(grpc.group(2));
      reader.start();
    }

    private BufferedReader bufferedOutput;

    private BufferedReader output() {
      if (bufferedOutput == null) {
        bufferedOutput =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      }
      return bufferedOutput;
    }

    private void read() {
      try {
        BufferedReader out = output();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          log.add(line);
        }
      } catch (IOException e) {
        log.add("(reading the server's output failed: " + e + ")");
      }
    }

    /** SIGTERM (the server drains and exits), then every line it printed has been read. */
    void stop() throws InterruptedException {
      process
          .toHandle()
          .destroy(); // SIGTERM; Process.destroy would also close our end of its output
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
    }

    /** Everything the server printed but its banner. */
    List<String> logLines() {
      return List.copyOf(log);
    }
  }
}
