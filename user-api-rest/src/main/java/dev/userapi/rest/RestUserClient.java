package dev.userapi.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.Dtos.BatchItemDto;
import dev.userapi.rest.internal.Dtos.BatchResultDto;
import dev.userapi.rest.internal.Dtos.EventDto;
import dev.userapi.rest.internal.Dtos.HealthDto;
import dev.userapi.rest.internal.Dtos.PageDto;
import dev.userapi.rest.internal.Dtos.ProblemDto;
import dev.userapi.rest.internal.Dtos.UserDto;
import dev.userapi.rest.internal.EntityTags;
import dev.userapi.rest.internal.Filters;
import dev.userapi.rest.internal.JavaNetHttpConnector;
import dev.userapi.rest.internal.Problems;
import dev.userapi.rest.internal.ProtobufBodies;
import dev.userapi.rest.internal.ProtobufNegotiation;
import dev.userapi.rest.internal.RemoteSubscription;
import dev.userapi.rest.internal.Retries;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link UserService} over HTTP, speaking to a {@link UserResource} through the Jakarta REST
 * client API. A problem+json answer becomes the same {@link UserException} (code, message, field
 * violations) that the server's service threw; a connection failure is UNAVAILABLE and a timeout
 * DEADLINE_EXCEEDED.
 *
 * <pre>{@code
 * try (RestUserClient users = RestUserClient.connect(URI.create("http://localhost:8080/"))) {
 *   User ada = users.create(NewUser.of("Ada", "ada@example.com"));
 * }
 * }</pre>
 *
 * <p>The base URI is where the API is mounted: requests go to {@code <base>/api/users...}. Writes
 * with an expected etag send {@code If-Match}; PATCH travels as {@code POST} with {@code
 * X-HTTP-Method-Override: PATCH}, so the JDK's HttpURLConnection-based connectors work too. {@link
 * #stream} (NDJSON) and {@link #watch} (Server-Sent Events) are read lazily on the client's
 * executor, one item per unit of demand, and cancelling closes the HTTP response.
 *
 * <p>Needs a Jakarta REST client implementation at run time; Jersey's client comes with this module
 * as a runtime dependency (exclude it and pass your own {@link Client} to use another).
 *
 * <p><b>Retries.</b> Idempotent requests ({@code get}, {@code list}, {@code replace}, {@code
 * delete}, and the opening of {@link #stream} and {@link #watch}) are repeated, up to {@linkplain
 * Builder#maxAttempts three attempts} in all with a short backoff, after a connection failure
 * before any response or a 503 answer. {@code create}, {@code createAll} (POST) and {@code update}
 * (PATCH) are sent once: when the answer to a create is lost the user may exist or not, and only
 * the caller can tell a retry from a second user. To retry a create safely, pass the same {@code
 * requestId} to {@link #create(NewUser, String)} again (it travels as {@code Idempotency-Key}): the
 * server then returns the user the first attempt created.
 *
 * <p>Thread-safe; share one instance and {@link #close()} it when done.
 *
 * @since 0.1.0
 */
public final class RestUserClient implements UserService, AutoCloseable {
  private static final MediaType JSON = MediaType.APPLICATION_JSON_TYPE;
  private static final MediaType MERGE_PATCH = MediaType.valueOf(UserResource.MERGE_PATCH_JSON);
  private static final String ACCEPT_JSON = "application/json, application/problem+json";
  private static final MediaType PROTOBUF = MediaType.valueOf(UserResource.PROTOBUF);
  private static final Logger log = LoggerFactory.getLogger(RestUserClient.class);

  private final Client client;
  private final boolean ownsClient;
  private final URI baseUri;
  private final WebTarget api;
  private final String authorization;
  private final boolean acceptCompressedResponses;
  private final int maxAttempts;
  private final boolean protobuf;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final ObjectMapper mapper = DtoMapper.newObjectMapper();
  private final ObjectReader lenient;

  private RestUserClient(Builder builder) {
    this.baseUri = builder.baseUri;
    if (builder.client != null) {
      this.client = builder.client;
      this.ownsClient = false;
    } else {
      ClientBuilder clients = ClientBuilder.newBuilder();
      if (builder.httpVersion != null) {
        JavaNetHttpConnector.use(clients, builder.httpVersion);
      }
      if (builder.connectTimeout != null) {
        clients.connectTimeout(builder.connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (builder.readTimeout != null) {
        clients.readTimeout(builder.readTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (builder.sslContext != null) {
        clients.sslContext(builder.sslContext);
      }
      this.client = clients.build();
      this.ownsClient = true;
    }
    WebTarget root = client.target(baseUri);
    for (Object component : builder.components) {
      root = root.register(component);
    }
    this.api = root.path("api");
    this.authorization = builder.bearerToken == null ? null : "Bearer " + builder.bearerToken;
    this.acceptCompressedResponses = builder.acceptCompressedResponses;
    this.maxAttempts = builder.maxAttempts;
    this.protobuf = builder.protobuf;
    if (builder.executor != null) {
      this.executor = builder.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = Executors.newCachedThreadPool(new ReaderThreads());
      this.executor = ownedExecutor;
    }
    // Forward compatible: a newer server may add members.
    this.lenient = mapper.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /**
   * A client with default settings for the API mounted at {@code baseUri}.
   *
   * @param baseUri where the API is mounted, e.g. {@code http://localhost:8080/}
   * @return a new client; close it to release its HTTP client and threads
   */
  public static RestUserClient connect(URI baseUri) {
    return builder().baseUri(baseUri).build();
  }

  /**
   * Starts configuring a client; {@link Builder#baseUri} is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The base URI this client talks to.
   *
   * @return the URI given to the builder
   */
  public URI baseUri() {
    return baseUri;
  }

  // ---- unary calls ---------------------------------------------------------------------------

  @Override
  public User create(NewUser newUser, String requestId) {
    requireNonNull(newUser, "newUser");
    Invocation.Builder request = Retries.sendOnce(request(api.path("users"), acceptUsers()));
    if (requestId != null) {
      request.header(UserResource.IDEMPOTENCY_KEY, requestId);
    }
    Entity<byte[]> body = userBody(newUser);
    try {
      return user(call("POST", () -> request.post(body)));
    } catch (UserException e) {
      // The server names the header it read; callers of UserService know it as requestId.
      throw Problems.renameField(e, UserResource.IDEMPOTENCY_KEY, "requestId");
    }
  }

  @Override
  public User get(String id) {
    requireNonNull(id, "id");
    return user(call("GET", () -> request(userTarget(id), acceptUsers()).get()));
  }

  @Override
  public User update(String id, UserUpdate update, String expectedEtag) {
    requireNonNull(id, "id");
    requireNonNull(update, "update");
    Invocation.Builder request =
        Retries.sendOnce(ifMatch(request(userTarget(id), acceptUsers()), expectedEtag))
            .header(Filters.METHOD_OVERRIDE, "PATCH");
    byte[] body = write(DtoMapper.toPatch(update));
    return user(call("PATCH", () -> request.post(Entity.entity(body, MERGE_PATCH))));
  }

  @Override
  public User replace(String id, NewUser replacement, String expectedEtag) {
    requireNonNull(id, "id");
    requireNonNull(replacement, "replacement");
    Invocation.Builder request = ifMatch(request(userTarget(id), acceptUsers()), expectedEtag);
    Entity<byte[]> body = userBody(replacement);
    return user(call("PUT", () -> request.put(body)));
  }

  @Override
  public void delete(String id, String expectedEtag) {
    requireNonNull(id, "id");
    Invocation.Builder request = ifMatch(request(userTarget(id), ACCEPT_JSON), expectedEtag);
    call("DELETE", () -> request.delete());
  }

  @Override
  public Page<User> list(UserQuery query) {
    requireNonNull(query, "query");
    WebTarget target = withFilter(api.path("users"), query.filter());
    if (query.pageSize() != 0) {
      target = query(target, "pageSize", Integer.toString(query.pageSize()));
    }
    if (!query.pageToken().isEmpty()) {
      target = query(target, "pageToken", query.pageToken());
    }
    WebTarget page = target;
    Response response = call("GET", () -> request(page, acceptUsers()).get());
    if (protobuf) {
      try (response) {
        return ProtobufBodies.toPage(bytes(response));
      } catch (IOException e) {
        throw malformed(e);
      }
    }
    return DtoMapper.toPage(read(response, PageDto.class));
  }

  @Override
  public List<CreateResult> createAll(List<NewUser> newUsers) {
    requireNonNull(newUsers, "newUsers");
    if (protobuf) {
      Invocation.Builder request =
          Retries.sendOnce(request(api.path("users:batchCreate"), UserResource.PROTOBUF));
      byte[] body = ProtobufBodies.encodeBatch(newUsers);
      try (Response response = call("POST", () -> request.post(Entity.entity(body, PROTOBUF)))) {
        return ProtobufBodies.toResults(bytes(response));
      } catch (IOException e) {
        throw malformed(e);
      }
    }
    List<Object> items = new ArrayList<>(newUsers.size());
    for (NewUser newUser : newUsers) {
      items.add(newUser == null ? null : DtoMapper.toDto(newUser));
    }
    byte[] body = write(items);
    Invocation.Builder request =
        Retries.sendOnce(request(api.path("users:batchCreate"), ACCEPT_JSON));
    BatchResultDto result =
        read(call("POST", () -> request.post(Entity.entity(body, JSON))), BatchResultDto.class);
    List<CreateResult> results = new ArrayList<>(result.results().size());
    for (BatchItemDto item : result.results()) {
      results.add(DtoMapper.toResult(item));
    }
    return List.copyOf(results);
  }

  @Override
  public HealthStatus health() {
    Response response;
    try {
      response = request(api.path("health"), ACCEPT_JSON).get();
    } catch (ProcessingException e) {
      return HealthStatus.NOT_SERVING;
    }
    try (response) {
      if (response.getStatus() != 200) {
        return HealthStatus.NOT_SERVING;
      }
      return DtoMapper.toHealth(read(response, HealthDto.class).status());
    }
  }

  // ---- streams -------------------------------------------------------------------------------

  @Override
  public Flow.Publisher<User> stream(UserFilter filter) {
    requireNonNull(filter, "filter");
    WebTarget target = withFilter(api.path("users:stream"), filter);
    return subscriber -> {
      requireNonNull(subscriber, "subscriber");
      RemoteSubscription.Source<User> source =
          protobuf ? new DelimitedSource(target) : new NdjsonSource(target);
      RemoteSubscription.subscribe(subscriber, source, executor);
    };
  }

  @Override
  public Flow.Publisher<UserEvent> watch(long afterSequence) {
    WebTarget target = api.path("users:watch");
    return subscriber -> {
      requireNonNull(subscriber, "subscriber");
      RemoteSubscription.subscribe(subscriber, new SseSource(target, afterSequence), executor);
    };
  }

  /** Closes the HTTP client (if this client created it) and stops the stream readers. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private WebTarget userTarget(String id) {
    return api.path("users/{id}").resolveTemplate("id", id);
  }

  private static WebTarget withFilter(WebTarget target, UserFilter filter) {
    WebTarget t = target;
    if (filter.email().isPresent()) {
      t = query(t, "email", filter.email().get());
    }
    if (filter.namePrefix().isPresent()) {
      t = query(t, "namePrefix", filter.namePrefix().get());
    }
    if (filter.minAge().isPresent()) {
      t = query(t, "minAge", Integer.toString(filter.minAge().getAsInt()));
    }
    if (filter.maxAge().isPresent()) {
      t = query(t, "maxAge", Integer.toString(filter.maxAge().getAsInt()));
    }
    return t;
  }

  /** Adds a query parameter whose value is taken literally (never as a URI template). */
  private static WebTarget query(WebTarget target, String name, String value) {
    return target.queryParam(name, "{" + name + "}").resolveTemplate(name, value);
  }

  /**
   * The {@code Accept} of calls answered with a user or a page: protobuf alone in protobuf mode, so
   * that errors come as {@code google.rpc.Status} too.
   */
  private String acceptUsers() {
    return protobuf ? UserResource.PROTOBUF : ACCEPT_JSON;
  }

  /** A new or replacing user as a request body, in the client's format. */
  private Entity<byte[]> userBody(NewUser newUser) {
    return protobuf
        ? Entity.entity(ProtobufBodies.encode(newUser), PROTOBUF)
        : Entity.entity(write(DtoMapper.toDto(newUser)), JSON);
  }

  private Invocation.Builder request(WebTarget target, String accept) {
    Invocation.Builder request = target.request(accept);
    if (authorization != null) {
      request.header(HttpHeaders.AUTHORIZATION, authorization);
    }
    if (acceptCompressedResponses) {
      request.header(HttpHeaders.ACCEPT_ENCODING, "gzip");
    }
    return request;
  }

  private static Invocation.Builder ifMatch(Invocation.Builder request, String expectedEtag) {
    return expectedEtag == null
        ? request
        : request.header(HttpHeaders.IF_MATCH, EntityTags.format(expectedEtag));
  }

  /**
   * Sends, repeating idempotent requests (see {@link Retries}) up to {@code maxAttempts} times in
   * all; maps transport failures and error statuses to UserException. The caller closes.
   */
  private Response call(String method, Supplier<Response> send) {
    int attempts = Retries.idempotent(method) ? maxAttempts : 1;
    for (int attempt = 1; ; attempt++) {
      Response response;
      try {
        response = send.get();
      } catch (ProcessingException e) {
        if (attempt < attempts && Retries.connectionFailure(e)) {
          pauseBeforeRetry(method, attempt, Retries.backoff(attempt), e);
          continue;
        }
        throw transportFailure(e);
      }
      if (response.getStatus() == 503 && attempt < attempts) {
        Duration pause =
            Retries.afterUnavailable(attempt, response.getHeaderString(HttpHeaders.RETRY_AFTER));
        if (pause != null) {
          response.close();
          pauseBeforeRetry(method, attempt, pause, null);
          continue;
        }
      }
      if (response.getStatus() >= 400) {
        try (response) {
          throw problem(response);
        }
      }
      return response;
    }
  }

  private void pauseBeforeRetry(String method, int attempt, Duration pause, Throwable cause) {
    // Never the URI: a list's query may carry an email address.
    log.debug("{} attempt {} failed; retrying in {} ms", method, attempt, pause.toMillis());
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException(
          ErrorCode.UNAVAILABLE, "interrupted before retrying " + method, List.of(), cause);
    }
  }

  private UserException transportFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedIOException || t instanceof java.net.http.HttpTimeoutException) {
        return new UserException(
            ErrorCode.DEADLINE_EXCEEDED,
            "the server at " + baseUri + " did not answer in time",
            List.of(),
            e);
      }
    }
    return new UserException(
        ErrorCode.UNAVAILABLE, "cannot reach the server at " + baseUri, List.of(), e);
  }

  private UserException problem(Response response) {
    int status = response.getStatus();
    try {
      byte[] body = bytes(response);
      MediaType type = response.getMediaType();
      if (type != null && type.isCompatible(PROTOBUF)) {
        return ProtobufBodies.toException(body);
      }
      if (type != null && type.getSubtype().endsWith("json") && body.length > 0) {
        ProblemDto problem = lenient.readValue(body, ProblemDto.class);
        return Problems.toException(problem, status);
      }
    } catch (IOException | RuntimeException e) {
      // Not a problem document (a proxy's page): fall back to the status.
    }
    return new UserException(Problems.codeOf(status), "HTTP " + status + " from " + baseUri);
  }

  private User user(Response response) {
    try (response) {
      if (protobuf) {
        return ProtobufBodies.toUser(bytes(response));
      }
      return DtoMapper.toUser(read(response, UserDto.class));
    } catch (IOException e) {
      throw malformed(e);
    }
  }

  private static UserException malformed(IOException e) {
    return new UserException(
        ErrorCode.INTERNAL, "the server sent a malformed response", List.of(), e);
  }

  private <T> T read(Response response, Class<T> type) {
    try (response) {
      return lenient.readValue(bytes(response), type);
    } catch (IOException e) {
      throw new UserException(
          ErrorCode.INTERNAL, "the server sent a malformed response", List.of(), e);
    } catch (ProcessingException e) {
      throw transportFailure(e);
    }
  }

  private byte[] bytes(Response response) throws IOException {
    try (InputStream in = body(response)) {
      return in.readAllBytes();
    }
  }

  private static InputStream body(Response response) throws IOException {
    InputStream in = response.readEntity(InputStream.class);
    if (in == null) {
      return InputStream.nullInputStream();
    }
    String encoding = response.getHeaderString(HttpHeaders.CONTENT_ENCODING);
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  private byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UserException(ErrorCode.INTERNAL, "cannot encode the request", List.of(), e);
    }
  }

  /** Opens a streamed response and hands out a line reader over it. */
  private abstract class StreamSource<T> implements RemoteSubscription.Source<T> {
    private volatile Response response;
    private volatile boolean closed;
    InputStream in;
    BufferedReader lines;

    abstract Invocation.Builder prepare();

    @Override
    public void open() {
      Invocation.Builder request = prepare();
      Response r = call("GET", request::get);
      response = r;
      if (closed) {
        r.close();
        throw new UserException(ErrorCode.UNAVAILABLE, "the stream was cancelled");
      }
      try {
        in = body(r);
        lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw transportFailure(e);
      }
    }

    @Override
    public void close() {
      closed = true;
      Response r = response;
      if (r != null) {
        r.close();
      }
    }
  }

  /** Reads users, one per line; an {@code {"error":...}} line ends the stream with that error. */
  private final class NdjsonSource extends StreamSource<User> {
    private final WebTarget target;

    NdjsonSource(WebTarget target) {
      this.target = target;
    }

    @Override
    Invocation.Builder prepare() {
      return request(target, UserResource.NDJSON + ", application/problem+json");
    }

    @Override
    public User next() throws IOException {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = lenient.readTree(line);
        if (node.has("error") && !node.has("id")) {
          ProblemDto problem = lenient.treeToValue(node.get("error"), ProblemDto.class);
          throw Problems.toException(problem, problem.status());
        }
        return DtoMapper.toUser(lenient.treeToValue(node, UserDto.class));
      }
      return null;
    }
  }

  /**
   * Reads length-delimited {@code userapi.v1.User} messages; a body that breaks off (the server's
   * way to report a failure after the first message) fails the stream.
   */
  private final class DelimitedSource extends StreamSource<User> {
    private final WebTarget target;

    DelimitedSource(WebTarget target) {
      this.target = target;
    }

    @Override
    Invocation.Builder prepare() {
      return request(target, UserResource.PROTOBUF);
    }

    @Override
    public User next() throws IOException {
      return ProtobufBodies.readDelimited(in);
    }
  }

  /** Reads Server-Sent Events; an {@code error} event ends the stream with that error. */
  private final class SseSource extends StreamSource<UserEvent> {
    private final WebTarget target;
    private final long afterSequence;

    SseSource(WebTarget target, long afterSequence) {
      this.target = target;
      this.afterSequence = afterSequence;
    }

    @Override
    Invocation.Builder prepare() {
      // The query parameter, not Last-Event-ID: an error about it then names afterSequence, as the
      // UserService API does.
      WebTarget resume =
          afterSequence == WATCH_FROM_NOW
              ? target
              : target.queryParam("afterSequence", afterSequence);
      return request(resume, MediaType.SERVER_SENT_EVENTS + ", application/problem+json");
    }

    @Override
    public UserEvent next() throws IOException {
      String name = null;
      StringBuilder data = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isEmpty()) {
          if (data != null) {
            return event(name, data.toString());
          }
          name = null;
          continue;
        }
        if (line.startsWith(":")) {
          continue; // a comment (heartbeat)
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        if (field.equals("event")) {
          name = value;
        } else if (field.equals("data")) {
          data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
      }
      return null;
    }

    private UserEvent event(String name, String data) throws IOException {
      if ("error".equals(name)) {
        ProblemDto problem = lenient.readValue(data, ProblemDto.class);
        throw Problems.toException(problem, problem.status());
      }
      return DtoMapper.toEvent(lenient.readValue(data, EventDto.class));
    }
  }

  /** Daemon threads for stream readers, named for thread dumps. */
  private static final class ReaderThreads implements ThreadFactory {
    private static final AtomicInteger clients = new AtomicInteger();
    private final int client = clients.incrementAndGet();
    private final AtomicInteger threads = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread =
          new Thread(
              task, "userapi-rest-client-" + client + "-reader-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }

  /** Configures a {@link RestUserClient}. Not thread-safe. */
  public static final class Builder {
    private URI baseUri;
    private Client client;
    private String bearerToken;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout;
    private boolean acceptCompressedResponses;
    private boolean protobuf;
    private int maxAttempts = 3;
    private Executor executor;
    private SSLContext sslContext;
    private HttpClient.Version httpVersion;
    private final List<Object> components = new ArrayList<>();

    private Builder() {}

    /**
     * Where the API is mounted, e.g. {@code http://localhost:8080/} (required).
     *
     * @param baseUri the base URI
     * @return this builder
     */
    public Builder baseUri(URI baseUri) {
      this.baseUri = requireNonNull(baseUri, "baseUri");
      return this;
    }

    /**
     * The Jakarta REST client to use (not closed by {@link RestUserClient#close()}); by default a
     * new one from {@link ClientBuilder}, closed with this client. Timeouts set here are ignored
     * when a client is given: configure them on it.
     *
     * @param client the client, owned by the caller
     * @return this builder
     */
    public Builder client(Client client) {
      this.client = requireNonNull(client, "client");
      return this;
    }

    /**
     * Sends {@code Authorization: Bearer <token>} on every request.
     *
     * @param bearerToken the token, without the {@code Bearer} prefix
     * @return this builder
     */
    public Builder bearerToken(String bearerToken) {
      this.bearerToken = requireNonNull(bearerToken, "bearerToken");
      return this;
    }

    /**
     * Connect timeout of the default client; 10 s by default. Ignored when a {@link
     * #client(Client)} is given.
     *
     * @param connectTimeout the timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Read timeout of the default client; none by default. It also bounds the quiet time of a
     * {@link RestUserClient#watch watch}, so leave it unset if watches may be idle. Ignored when a
     * {@link #client(Client)} is given.
     *
     * @param readTimeout the timeout
     * @return this builder
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = requireNonNull(readTimeout, "readTimeout");
      return this;
    }

    /**
     * Sends requests through the JDK's {@link HttpClient} with this HTTP version instead of
     * Jersey's default {@code HttpURLConnection} transport (HTTP/1.1 only). With {@link
     * HttpClient.Version#HTTP_2} the client negotiates {@code h2} through ALPN over TLS, and over
     * cleartext upgrades each new connection with {@code Upgrade: h2c} on its first request; a
     * server that declines keeps it on HTTP/1.1. Many requests then share one connection as HTTP/2
     * streams. {@code user-server} declines the upgrade on a {@link RestUserClient#watch watch} or
     * {@link RestUserClient#stream stream} (one that opens a cleartext connection runs over
     * HTTP/1.1 on it), so that closing one early can never close the connection under the client's
     * other calls; see the module README. Ignored when a {@link #client(Client)} is given.
     *
     * @param version the version to ask for
     * @return this builder
     * @since 0.1.0
     */
    public Builder httpVersion(HttpClient.Version version) {
      this.httpVersion = requireNonNull(version, "version");
      return this;
    }

    /**
     * TLS settings of the default client (trusted CAs and, for mutual TLS, a client certificate);
     * the JVM's defaults otherwise. Ignored when a {@link #client(Client)} is given.
     *
     * @param sslContext the TLS context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Asks for gzip-compressed responses ({@code Accept-Encoding: gzip}) and decodes them; off by
     * default. Request bodies are sent uncompressed either way.
     *
     * @param acceptCompressedResponses true to ask for compressed responses
     * @return this builder
     */
    public Builder acceptCompressedResponses(boolean acceptCompressedResponses) {
      this.acceptCompressedResponses = acceptCompressedResponses;
      return this;
    }

    /**
     * Attempts per idempotent request (GET, PUT, DELETE), the first included; 3 by default, 1 turns
     * retries off. A request is repeated after a connection failure before any response, or after a
     * 503 whose {@code Retry-After}, if any, is at most one second; pauses are 50 ms, 100 ms, and
     * so on (or the {@code Retry-After}). POST (create, batch create) and PATCH (update) are never
     * repeated.
     *
     * @param maxAttempts attempts per idempotent request, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code maxAttempts} is below 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sends and accepts {@code application/x-protobuf} (the {@code userapi.v1} messages) instead of
     * JSON for single users, pages and {@link RestUserClient#stream}; errors then arrive as {@code
     * google.rpc.Status} messages. Off by default. Batch create, watch, delete and health stay
     * JSON. Needs user-api-grpc on the class path.
     *
     * @param protobuf true to use protobuf bodies
     * @return this builder
     */
    public Builder protobuf(boolean protobuf) {
      this.protobuf = protobuf;
      return this;
    }

    /**
     * Runs the readers of {@link RestUserClient#stream} and {@link RestUserClient#watch} (one task
     * per open stream, blocking on the socket); by default a cached pool of daemon threads owned by
     * the client.
     *
     * @param executor the executor, owned by the caller; closing the client does not shut it down
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Registers a JAX-RS client provider (a filter or interceptor, for example {@link
     * RestTracing#clientFilter}) for the requests of this client only; a {@link #client(Client)}
     * given here is not changed.
     *
     * @param component a provider instance or class
     * @return this builder
     */
    public Builder register(Object component) {
      components.add(requireNonNull(component, "component"));
      return this;
    }

    /**
     * Builds the client.
     *
     * @return a new client
     * @throws IllegalStateException when no base URI was set, or protobuf was asked for without
     *     user-api-grpc on the class path
     */
    public RestUserClient build() {
      if (baseUri == null) {
        throw new IllegalStateException("baseUri is required");
      }
      if (protobuf && !ProtobufNegotiation.AVAILABLE) {
        throw new IllegalStateException(
            "protobuf needs dev.userapi:user-api-grpc on the class path");
      }
      return new RestUserClient(this);
    }
  }
}
