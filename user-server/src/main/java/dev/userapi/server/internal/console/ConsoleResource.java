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
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.EntityTags;
import dev.userapi.server.UserServer;
import dev.userapi.server.internal.HostOptions;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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
 * {@code /console/api/}: what the console page asks the server. Errors are thrown as {@link
 * UserException}s and answered as problem+json by the REST API's exception mappers.
 *
 * <ul>
 *   <li>{@code GET info}: open to everyone (the page needs it to start);
 *   <li>{@code POST demo/write}: one user created by the server itself, with the scope of a create;
 *   <li>{@code GET log}: the request-log tail as Server-Sent Events, a tool behind the guard.
 * </ul>
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
@Path("console/api")
public final class ConsoleResource {
  /** The longest measured part of one benchmark cell. */
  static final int MAX_DURATION_SECONDS = 30;

  /** The longest whole benchmark run: every cell's warm-up and measurement. */
  static final int MAX_TOTAL_SECONDS = 120;

  static final List<String> PROTOCOLS =
      List.of("rest-json", "rest-protobuf", "rest-h2-json", "grpc", "grpc-web", "connect-json");
  static final List<String> WORKLOADS = List.of("get", "list50", "create");

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
    benchmark.put("maxDurationSeconds", MAX_DURATION_SECONDS);
    benchmark.put("maxTotalSeconds", MAX_TOTAL_SECONDS);
    PROTOCOLS.forEach(benchmark.putArray("protocols")::add);
    WORKLOADS.forEach(benchmark.putArray("workloads")::add);
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
  @GET
  @Path("log")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void log(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @Context SseEventSink sink,
      @Context Sse sse) {
    guard.checkTools(authorization);
    if (closed) {
      throw new UserException(ErrorCode.UNAVAILABLE, "the server is shutting down");
    }
    if (streams.size() >= Console.MAX_LOG_STREAMS) {
      throw new UserException(
          ErrorCode.RESOURCE_EXHAUSTED,
          "too many request-log streams are open (at most " + Console.MAX_LOG_STREAMS + ")");
    }
    List<Consumer<RequestTail.Entry>> listener = new ArrayList<>(1);
    EventStream<RequestTail.Entry> stream =
        new EventStream<>(
            sink,
            sse,
            this::logEvent,
            workers,
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
