package dev.userapi.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import dev.userapi.core.Authenticator;
import dev.userapi.core.UserService;
import dev.userapi.rest.internal.ContentLengthInterceptor;
import dev.userapi.rest.internal.DtoJsonWriter;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.ExceptionMappers;
import dev.userapi.rest.internal.Filters;
import dev.userapi.rest.internal.ObjectMapperResolver;
import dev.userapi.rest.internal.ProtobufBodies;
import dev.userapi.rest.internal.ProtobufNegotiation;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything the REST API needs, in one registration: {@link UserResource}, the Jackson provider
 * with the module's one {@link ObjectMapper} (hardened: unknown properties, duplicate keys and
 * oversize numbers are 400s; exposed through a {@code ContextResolver}), the exception mappers that
 * answer every error as {@code application/problem+json} (a request body that stops arriving until
 * the transport's read timeout included: 408 DEADLINE_EXCEEDED with {@code Connection: close}), the
 * body size limit (413, chunked bodies included), {@code X-HTTP-Method-Override: PATCH}, and the
 * {@code Cache-Control} and {@code Vary} headers.
 *
 * <pre>{@code
 * ResourceConfig app = new ResourceConfig().register(UserApiFeature.of(users));
 * }</pre>
 *
 * <p>This is the only way to serve the API: {@link #of(UserService)} for the defaults, {@link
 * #builder(UserService)} for the knobs. {@link UserResource} has no public constructor, since the
 * resource alone would answer errors without the problem+json mapping.
 *
 * <p>Its filters and interceptors apply to the API's own resources only (JAX-RS name binding) and
 * it sets no application-wide property, so the application's other resources behave as they would
 * without it: no added headers, no body limit, their usual {@code Content-Length} or chunked
 * coding. Exception mappers cannot be scoped in JAX-RS: the feature's answer every exception of the
 * application, and unmatched paths, as problem+json.
 *
 * <p>On Jersey, the runtime holds back the first 8 KiB of every response to compute a {@code
 * Content-Length} ({@code jersey.config.server.contentLength.buffer}), and a flush does not release
 * them: the first lines of an NDJSON stream whose source is slow wait until 8 KiB are written or
 * the stream ends. A host that wants each line at once sets that property to 0 on its application;
 * the feature does not, since that would change every resource of the application.
 *
 * <p>Needs only the Jakarta REST API and Jackson; on Jersey also add {@code jersey-media-sse} for
 * the watch endpoint; Jersey's own Jackson support may be present: this feature's exception mappers
 * take precedence over its text/plain ones. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class UserApiFeature implements Feature {
  /** Default limit on request bodies: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  /** Default {@code Cache-Control} of responses that set none. */
  public static final String DEFAULT_CACHE_CONTROL = "private, no-cache";

  private static final int MAPPER_PRIORITY = 1;

  private final UserService service;
  private final long maxBodyBytes;
  private final String cacheControl;
  private final boolean requireIfMatch;
  private final ScheduledExecutorService heartbeats;
  private final Duration heartbeatInterval;
  private final Authenticator authenticator;
  private final Feature metrics;

  private UserApiFeature(Builder builder) {
    this.service = builder.service;
    this.maxBodyBytes = builder.maxBodyBytes;
    this.cacheControl = builder.cacheControl;
    this.requireIfMatch = builder.requireIfMatch;
    this.heartbeats = builder.heartbeats;
    this.heartbeatInterval = builder.heartbeatInterval;
    this.authenticator = builder.authenticator;
    this.metrics = builder.metrics;
  }

  /**
   * The feature with default settings serving {@code service}; the same as {@code
   * builder(service).build()}.
   *
   * @param service the service every request is passed to
   * @return a new feature to register with the application
   */
  public static UserApiFeature of(UserService service) {
    return builder(service).build();
  }

  /**
   * A builder for a feature serving {@code service}.
   *
   * @param service the service every request is passed to
   * @return a new builder with default settings
   */
  public static Builder builder(UserService service) {
    return new Builder(service);
  }

  @Override
  public boolean configure(FeatureContext context) {
    ObjectMapper mapper = DtoMapper.newObjectMapper();
    context.register(
        new UserResource(service, mapper, requireIfMatch, heartbeats, heartbeatInterval));
    context.register(new ObjectMapperResolver(mapper));
    context.register(new JacksonJsonProvider(mapper));
    // The API's own documents skip the provider's per-response lookups (issue #17); same bytes.
    context.register(new DtoJsonWriter(mapper));
    // A high binding priority so that ours win over mappers for the same types that a runtime
    // registers on its own (Jersey's auto-discovered Jackson support).
    ExceptionMappers.all().forEach(m -> context.register(m, MAPPER_PRIORITY));
    if (metrics != null) {
      context.register(metrics);
    }
    if (authenticator != null) {
      context.register(new BearerAuthFilter(authenticator), Priorities.AUTHENTICATION);
    }
    context.register(new Filters.MethodOverrideFilter(), Priorities.HEADER_DECORATOR);
    if (ProtobufNegotiation.AVAILABLE) {
      context.register(new ProtobufBodies());
      context.register(new ProtobufNegotiation.ProblemForm(), Priorities.HEADER_DECORATOR);
    } else {
      context.register(new ProtobufNegotiation.WithoutProtobuf(), Priorities.HEADER_DECORATOR);
    }
    context.register(new Filters.BodyLimitFilter(maxBodyBytes), Priorities.ENTITY_CODER);
    context.register(new Filters.CacheHeadersFilter(cacheControl), Priorities.HEADER_DECORATOR);
    // Outside content coding (ENTITY_CODER), so that the length counts the encoded bytes.
    context.register(new ContentLengthInterceptor(), Priorities.HEADER_DECORATOR);
    // No application-wide property is set: the filters and interceptors above are bound to the
    // API's resources (UserApi), so the application's other resources behave as without us.
    return true;
  }

  /** Configures a {@link UserApiFeature}. Not thread-safe. */
  public static final class Builder {
    private final UserService service;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private String cacheControl = DEFAULT_CACHE_CONTROL;
    private boolean requireIfMatch;
    private ScheduledExecutorService heartbeats;
    private Duration heartbeatInterval;
    private Authenticator authenticator;
    private Feature metrics;

    private Builder(UserService service) {
      this.service = requireNonNull(service, "service");
    }

    /**
     * Largest accepted request body; longer ones get 413. Default 1 MiB.
     *
     * @param maxBodyBytes the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code maxBodyBytes} is below 1
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      if (maxBodyBytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 1)");
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * {@code Cache-Control} for responses that set none; default {@code private, no-cache}.
     *
     * @param cacheControl the header value
     * @return this builder
     */
    public Builder cacheControl(String cacheControl) {
      this.cacheControl = requireNonNull(cacheControl, "cacheControl");
      return this;
    }

    /**
     * Whether PUT, PATCH and DELETE without {@code If-Match} are refused with 428; off by default.
     *
     * @param requireIfMatch true to refuse unconditional writes
     * @return this builder
     */
    public Builder requireIfMatch(boolean requireIfMatch) {
      this.requireIfMatch = requireIfMatch;
      return this;
    }

    /**
     * Writes an SSE comment to every open watch each {@code interval}, on {@code scheduler} (owned
     * by the caller, who shuts it down after the server). Without heartbeats a watch notices that
     * its client left only when the next change is written; with them, within one interval. Off by
     * default.
     *
     * @param interval time between heartbeats, positive
     * @param scheduler runs the heartbeats
     * @return this builder
     * @throws IllegalArgumentException when {@code interval} is zero or negative
     */
    public Builder watchHeartbeat(Duration interval, ScheduledExecutorService scheduler) {
      requireNonNull(interval, "interval");
      requireNonNull(scheduler, "scheduler");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
      }
      this.heartbeatInterval = interval;
      this.heartbeats = scheduler;
      return this;
    }

    /**
     * Requires a bearer token with the right scope on every user call; see {@link
     * BearerAuthFilter}. Open (no authentication) by default.
     *
     * @param authenticator checks the presented tokens
     * @return this builder
     */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * Records per-method metrics of every request into {@code registry}; see {@link RestMetrics}.
     * Needs {@code io.micrometer:micrometer-core} on the class path.
     *
     * @param registry where the meters are registered
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.metrics = RestMetrics.feature(registry);
      return this;
    }

    /**
     * Builds the feature.
     *
     * @return a new feature to register with the application
     */
    public UserApiFeature build() {
      return new UserApiFeature(this);
    }
  }
}
