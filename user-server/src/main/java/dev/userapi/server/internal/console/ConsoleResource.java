package dev.userapi.server.internal.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserOperation;
import dev.userapi.core.UserService;
import dev.userapi.load.Protocol;
import dev.userapi.load.Workload;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.EntityTags;
import dev.userapi.server.UserServer;
import dev.userapi.server.internal.HostOptions;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@code /console/api/}: what the console page asks the server. Errors are {@link UserException}s
 * answered as problem+json by the REST API's exception mappers, or by {@link ConsoleToolFilter}
 * before a tool runs.
 *
 * <ul>
 *   <li>{@code GET info}: open to everyone (the page needs it to start);
 *   <li>{@code POST demo/write}: one user created by the server itself, with the scope of a create;
 *   <li>the tools ({@link ConsoleTool}, behind the guard): {@code GET log}, the request-log tail as
 *       Server-Sent Events; {@code POST|GET benchmarks}, {@code GET benchmarks/{id}} and its {@code
 *       events}; {@code POST clients/grpc|rest}, the client scenario as streamed text.
 * </ul>
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
@Path("console/api")
public final class ConsoleResource {
  private static final int DEMO_ATTEMPTS = 20;

  private final ConsoleGuard guard;
  private final RequestTail tail; // null: tools off
  private final UserService service;
  private final HostOptions options;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final Duration heartbeat;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong demoCount = new AtomicLong();
  private final Map<Object, EventStream<?>> streams = new ConcurrentHashMap<>();
  private final Benchmarks benchmarks;
  private final ClientScenarios clients = new ClientScenarios();
  private volatile boolean closed;
  private volatile int restPort;
  private volatile int grpcPort;

  ConsoleResource(
      ConsoleGuard guard,
      RequestTail tail,
      UserService service,
      HostOptions options,
      ExecutorService workers,
      ScheduledExecutorService timer,
      Duration heartbeat) {
    this.guard = guard;
    this.tail = tail;
    this.service = service;
    this.options = options;
    this.workers = workers;
    this.timer = timer;
    this.heartbeat = heartbeat;
    this.benchmarks = new Benchmarks(options.users(), json);
  }

  void started(int restPort, int grpcPort) {
    this.restPort = restPort;
    this.grpcPort = grpcPort;
  }

  /** {@code GET /console/api/info}: the server's settings the page adapts to. Never guarded. */
  @GET
  @Path("info")
  @Produces(MediaType.APPLICATION_JSON)
  public Response info() {
    ObjectNode info = json.createObjectNode();
    info.put("version", version());
    info.put("auth", guard.auth());
    info.put("tools", guard.toolsOn());
    info.put("toolsReason", guard.reason());
    ObjectNode grpc = info.putObject("grpc");
    grpc.put("port", grpcPort);
    grpc.put("tls", options.tls());
    info.put("webProtocols", options.webProtocols());
    ObjectNode benchmark = info.putObject("benchmark");
    benchmark.put("maxDurationSeconds", BenchmarkRequest.MAX_DURATION_SECONDS);
    benchmark.put("maxTotalSeconds", BenchmarkRequest.MAX_TOTAL_SECONDS);
    var protocols = benchmark.putArray("protocols");
    for (Protocol protocol : Protocol.values()) {
      protocols.add(protocol.wireName());
    }
    var workloads = benchmark.putArray("workloads");
    for (Workload workload : Workload.values()) {
      workloads.add(workload.wireName());
    }
    return json(Response.ok(), info);
  }

  private static String version() {
    String version = UserServer.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }

  /**
   * {@code POST /console/api/demo/write}: the server creates one user through its own service, as
   * if someone else wrote; watchers of either protocol see it. 201 with the user as the REST API
   * answers a create.
   */
  @POST
  @Path("demo/write")
  @Produces(MediaType.APPLICATION_JSON)
  public Response demoWrite(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    guard.checkOperation(authorization, UserOperation.CREATE);
    for (int attempt = 0; ; attempt++) {
      long n = demoCount.incrementAndGet();
      try {
        User user =
            service.create(
                NewUser.of("Console demo " + n, "demo-" + n + "@console.example.com"), null);
        return Response.created(URI.create("/api/users/" + user.id()))
            .header(HttpHeaders.ETAG, EntityTags.format(user.etag()))
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(DtoMapper.toDto(user))
            .build();
      } catch (UserException e) {
        // Taken by an earlier run of the server on the same store: try the next number.
        if (e.code() != ErrorCode.ALREADY_EXISTS || attempt == DEMO_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * {@code GET /console/api/log}: every request the server serves, as {@code event: request}, the
   * last {@value RequestTail#CAPACITY} first. A tool: behind the guard.
   */
  @ConsoleTool
  @GET
  @Path("log")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void log(@Context SseEventSink sink, @Context Sse sse) {
    List<Consumer<RequestTail.Entry>> listener = new ArrayList<>(1);
    EventStream<RequestTail.Entry> stream =
        new EventStream<>(
            sink,
            sse,
            this::logEvent,
            workers,
            timer,
            () -> {
              tail.unsubscribe(listener.get(0));
              streams.remove(listener.get(0));
            });
    Consumer<RequestTail.Entry> feed = stream::send;
    listener.add(feed);
    streams.put(feed, stream);
    stream.start(tail.subscribe(feed));
    keepAlive(stream);
    if (closed) {
      stream.close();
    }
  }

  /**
   * {@code POST /console/api/benchmarks}: starts a run of the load engine against this server's own
   * listeners, with the caller's token. 202 with the run and its {@code Location}. A tool.
   */
  @ConsoleTool
  @POST
  @Path("benchmarks")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response startBenchmark(@Context ContainerRequestContext context, String body) {
    String token = (String) context.getProperty(ConsoleToolFilter.TOKEN);
    if (options.tls()) {
      throw UserException.invalidArgument(
          "protocols", "the load engine speaks cleartext only, and this server serves TLS");
    }
    BenchmarkRequest request =
        BenchmarkRequest.parse(body, json, options.http2(), options.webProtocols());
    BenchmarkRun run = benchmarks.start(request, restRoot(), selfHost(), grpcPort, token);
    return json(
        Response.accepted().location(URI.create("/console/api/benchmarks/" + run.id())),
        run.toJson());
  }

  /** {@code GET /console/api/benchmarks}: the runs kept, newest first. A tool. */
  @ConsoleTool
  @GET
  @Path("benchmarks")
  @Produces(MediaType.APPLICATION_JSON)
  public Response benchmarks() {
    var runs = json.createArrayNode();
    benchmarks.list().forEach(run -> runs.add(run.toJson()));
    return json(Response.ok(), runs);
  }

  /** {@code GET /console/api/benchmarks/{id}}: one run. A tool. */
  @ConsoleTool
  @GET
  @Path("benchmarks/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  public Response benchmark(@PathParam("id") String id) {
    return json(Response.ok(), benchmarks.get(id).toJson());
  }

  /**
   * {@code GET /console/api/benchmarks/{id}/events}: {@code progress} about once a second per
   * running cell, {@code result} as each cell ends (the ones already ended first), then {@code
   * done} with the whole run, which ends the stream; only {@code done} when the run has ended. A
   * tool.
   */
  @ConsoleTool
  @GET
  @Path("benchmarks/{id}/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void benchmarkEvents(
      @PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
    BenchmarkRun run = benchmarks.get(id); // there: the filter checked
    Object key = new Object();
    List<EventStream<EventStream.Event>> self = new ArrayList<>(1);
    EventStream<EventStream.Event> stream =
        new EventStream<>(
            sink,
            sse,
            event -> event,
            workers,
            timer,
            () -> {
              run.unwatch(self.get(0));
              streams.remove(key);
            });
    self.add(stream);
    streams.put(key, stream);
    run.watch(stream);
    keepAlive(stream);
    if (closed) {
      stream.close();
    }
  }

  /**
   * {@code POST /console/api/clients/grpc} and {@code .../rest}: runs the client scenario through
   * that client against this server, streaming its lines as plain text. A tool.
   */
  @ConsoleTool
  @POST
  @Path("clients/{kind}")
  @Consumes(MediaType.WILDCARD)
  @Produces("text/plain; charset=utf-8")
  public Response runClient(
      @Context ContainerRequestContext request, @PathParam("kind") String name) {
    String token = (String) request.getProperty(ConsoleToolFilter.TOKEN);
    ClientScenarios.Kind kind = ClientScenarios.kind(name);
    if (options.mutualTls()) {
      throw UserException.invalidArgument(
          "kind",
          "this server requires client certificates, and the console has none to run a client with");
    }
    clients.claim(kind);
    URI rest = restRoot();
    String grpc = hostForUri(selfHost()) + ":" + grpcPort;
    StreamingOutput lines =
        output -> clients.run(kind, rest, grpc, token, options.certificateChain(), output);
    return Response.ok(lines, "text/plain; charset=utf-8")
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .build();
  }

  /** The address this server reaches itself at: its bind address, or loopback for a wildcard. */
  private String selfHost() {
    String bind = options.bind();
    return switch (bind) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "[::]" -> "::1";
      default -> bind;
    };
  }

  private static String hostForUri(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private URI restRoot() {
    String scheme = options.tls() ? "https" : "http";
    return URI.create(scheme + "://" + hostForUri(selfHost()) + ":" + restPort + "/");
  }

  /**
   * What a tool needs beyond the guard, checked by {@link ConsoleToolFilter} before the method
   * runs: an event stream needs a free slot, a benchmark's events the run.
   */
  void precheck(String method, MultivaluedMap<String, String> path) {
    if (method.equals("benchmarkEvents")) {
      benchmarks.get(path.getFirst("id"));
    }
    if (method.equals("benchmarkEvents") || method.equals("log")) {
      checkStreamsLeft();
    }
  }

  private void checkStreamsLeft() {
    if (closed) {
      throw new UserException(ErrorCode.UNAVAILABLE, "the server is shutting down");
    }
    if (streams.size() >= Console.MAX_EVENT_STREAMS) {
      throw new UserException(
          ErrorCode.RESOURCE_EXHAUSTED,
          "too many console event streams are open (at most " + Console.MAX_EVENT_STREAMS + ")");
    }
  }

  /** Pings {@code stream} every heartbeat interval, so that a client that left is noticed. */
  private void keepAlive(EventStream<?> stream) {
    long millis = heartbeat.toMillis();
    stream.heartbeat(
        timer.scheduleAtFixedRate(stream::ping, millis, millis, TimeUnit.MILLISECONDS));
  }

  private EventStream.Event logEvent(RequestTail.Entry entry) {
    ObjectNode node = json.createObjectNode();
    node.put("time", Instant.ofEpochMilli(entry.epochMillis()).toString());
    node.put("protocol", entry.protocol());
    node.put("method", entry.method());
    node.put("target", entry.target());
    node.put("status", entry.status());
    node.put("micros", entry.micros());
    return new EventStream.Event("request", node.toString());
  }

  void close() {
    closed = true;
    benchmarks.close();
    clients.close();
    for (EventStream<?> stream : List.copyOf(streams.values())) {
      stream.close();
    }
  }

  private Response json(Response.ResponseBuilder response, Object body) {
    try {
      return response
          .type(MediaType.APPLICATION_JSON_TYPE)
          .header(HttpHeaders.CACHE_CONTROL, "no-store")
          .entity(json.writeValueAsString(body))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
