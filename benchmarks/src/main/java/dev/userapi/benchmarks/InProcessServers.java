package dev.userapi.benchmarks;

import dev.userapi.core.UserService;
import dev.userapi.grpc.UserGrpcService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.RequestExecutorProvider;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainerProvider;
import org.glassfish.jersey.message.GZipEncoder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.filter.EncodingFilter;

/**
 * Both servers in this process, on loopback ephemeral ports: gRPC on Netty (epoll when available,
 * {@code directExecutor()} because the in-memory service never blocks) serving the real {@link
 * UserGrpcService} and the {@link BareGrpcService}; and Jersey on Grizzly serving the real REST API
 * and the {@link BareResource} in one application. Every server thread is named {@code srv-*} so
 * {@link CpuMeter} can tell server CPU from client CPU.
 */
final class InProcessServers implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Server grpc;
  private final HttpServer rest;
  private final ExecutorService restWorkers;
  private final long startMillis;

  /** How the Grizzly container runs requests. */
  enum RestIo {
    /**
     * On the selector thread that read the request, like gRPC's direct executor, except requests
     * that may block (streams, batch bodies, bodies not fully arrived), which go to a worker pool:
     * the example server's configuration.
     */
    SAME_THREAD,
    /** Every request on the worker pool (a thread hand-off per request). */
    WORKER
  }

  private InProcessServers(
      EventLoopGroup boss,
      EventLoopGroup workers,
      Server grpc,
      HttpServer rest,
      ExecutorService restWorkers,
      long startMillis) {
    this.boss = boss;
    this.workers = workers;
    this.grpc = grpc;
    this.rest = rest;
    this.restWorkers = restWorkers;
    this.startMillis = startMillis;
  }

  /**
   * Starts both servers.
   *
   * @param users the service behind the real endpoints
   * @param fixtures the responses of the bare endpoints
   * @param streamCount how many items the bare streams send
   * @param restIo the Grizzly I/O strategy
   * @param restApi registers the real REST API on the Jersey application
   */
  static InProcessServers start(
      UserService users,
      AtomicReference<Fixtures> fixtures,
      int streamCount,
      RestIo restIo,
      Consumer<ResourceConfig> restApi) {
    long t0 = System.nanoTime();
    int threads = Runtime.getRuntime().availableProcessors();
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup boss = group(1, "srv-grpc-boss", epoll);
    EventLoopGroup workers = group(threads, "srv-grpc", epoll);
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerInterceptor gzip = new GzipWhenAsked();
    Server grpc =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .channelType(channelType)
            .directExecutor()
            .addService(ServerInterceptors.intercept(new UserGrpcService(users), gzip))
            .addService(
                ServerInterceptors.intercept(
                    BareGrpcService.definition(fixtures.get(), streamCount), gzip))
            .build();
    try {
      grpc.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the gRPC server", e);
    }

    ResourceConfig app = new ResourceConfig();
    app.property(ServerProperties.WADL_FEATURE_DISABLE, true);
    app.register(new BareResource(fixtures, streamCount));
    restApi.accept(app);
    EncodingFilter.enableFor(app, GZipEncoder.class);
    ExecutorService restWorkers =
        Executors.newFixedThreadPool(
            threads * 4, new DefaultThreadFactory("srv-rest-worker", true));
    HttpServer rest = new HttpServer();
    NetworkListener listener =
        new NetworkListener("bench-rest", InetAddress.getLoopbackAddress().getHostAddress(), 0);
    TCPNIOTransport transport = listener.getTransport();
    transport.setSelectorRunnersCount(threads);
    transport.setKernelThreadPoolConfig(
        ThreadPoolConfig.defaultConfig()
            .setPoolName("srv-rest-kernel")
            .setCorePoolSize(threads)
            .setMaxPoolSize(threads));
    transport.setIOStrategy(SameThreadIOStrategy.getInstance());
    transport.setTcpNoDelay(true);
    rest.addListener(listener);
    ServerConfiguration config = rest.getServerConfiguration();
    config.setJmxEnabled(false);
    GrizzlyHttpContainer jersey =
        new GrizzlyHttpContainerProvider().createContainer(GrizzlyHttpContainer.class, app);
    config.addHttpHandler(new RoutedJersey(jersey, restIo, restWorkers), "/");
    config.addHttpHandler(new RawHandler(fixtures), "/raw");
    try {
      rest.start();
    } catch (IOException e) {
      grpc.shutdownNow();
      throw new UncheckedIOException("cannot start the REST server", e);
    }
    return new InProcessServers(
        boss,
        workers,
        grpc,
        rest,
        restWorkers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  static EventLoopGroup group(int threads, String name, boolean epoll) {
    return new MultiThreadIoEventLoopGroup(
        threads,
        new DefaultThreadFactory(name, true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  int grpcPort() {
    return grpc.getPort();
  }

  int restPort() {
    return rest.getListeners().iterator().next().getPort();
  }

  /** Milliseconds from nothing to both servers listening. */
  long startMillis() {
    return startMillis;
  }

  @Override
  public void close() {
    grpc.shutdownNow();
    rest.shutdownNow();
    try {
      grpc.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    restWorkers.shutdownNow();
  }

  /** Jersey, on the selector thread or the worker pool as {@link RestIo} says. */
  private static final class RoutedJersey extends HttpHandler {
    private final GrizzlyHttpContainer jersey;
    private final RequestExecutorProvider executors;

    RoutedJersey(GrizzlyHttpContainer jersey, RestIo io, Executor workers) {
      this.jersey = jersey;
      this.executors = request -> io == RestIo.WORKER || mayBlock(request) ? workers : null;
    }

    private static boolean mayBlock(Request request) {
      String uri = request.getRequestURI();
      if (uri.endsWith(":stream") || uri.endsWith(":watch") || uri.endsWith(":batchCreate")) {
        return true;
      }
      Method method = request.getMethod();
      return method != Method.GET
          && method != Method.HEAD
          && method != Method.DELETE
          && !request.getInputBuffer().isFinished();
    }

    @Override
    public RequestExecutorProvider getRequestExecutorProvider() {
      return executors;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
      jersey.service(request, response);
    }

    @Override
    public void start() {
      jersey.start();
    }

    @Override
    public void destroy() {
      jersey.destroy();
    }
  }

  /**
   * The floor under any REST framework: a raw Grizzly handler writing the pre-built user JSON, on
   * the selector thread. Jersey's own cost is the distance between this and the bare resource.
   */
  private static final class RawHandler extends HttpHandler {
    private final AtomicReference<Fixtures> fixtures;

    RawHandler(AtomicReference<Fixtures> fixtures) {
      this.fixtures = fixtures;
    }

    @Override
    public void service(Request request, Response response) throws IOException {
      byte[] body =
          request.getRequestURI().contains("/users/")
              ? fixtures.get().userJson()
              : fixtures.get().pageJson();
      response.setContentType("application/json");
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }
  }

  /**
   * Compresses responses of calls whose request came compressed, so one server serves both runs.
   */
  private static final class GzipWhenAsked implements ServerInterceptor {
    private static final Metadata.Key<String> ENCODING =
        Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      if ("gzip".equals(headers.get(ENCODING))) {
        call.setCompression("gzip");
      }
      return next.startCall(call, headers);
    }
  }
}
