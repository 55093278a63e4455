package dev.userapi.load;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link LoadRun} does: every selected workload over every selected protocol, one cell after
 * another, each cell {@code concurrency} closed-loop workers for a warm-up and then a measured
 * duration. Build with {@link #builder()}; {@link Builder#build()} checks the whole plan. Immutable
 * and thread-safe.
 *
 * @since 0.1.0
 */
public final class LoadPlan {
  /** The most workers a cell may have. */
  public static final int MAX_CONCURRENCY = 256;

  private final URI rest;
  private final String grpcHost;
  private final int grpcPort;
  private final String token;
  private final Set<Workload> workloads;
  private final Set<Protocol> protocols;
  private final int concurrency;
  private final Duration duration;
  private final Duration warmup;
  private final boolean gzip;

  private LoadPlan(Builder b) {
    this.rest = b.rest;
    this.grpcHost = b.grpcHost;
    this.grpcPort = b.grpcPort;
    this.token = b.token;
    this.workloads = Collections.unmodifiableSet(EnumSet.copyOf(b.workloads));
    this.protocols = Collections.unmodifiableSet(EnumSet.copyOf(b.protocols));
    this.concurrency = b.concurrency;
    this.duration = b.duration;
    this.warmup = b.warmup;
    this.gzip = b.gzip;
  }

  /**
   * A builder with no targets, no workloads or protocols, concurrency 1, 1 s warm-up, 2 s run.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The server root for REST and the web protocols.
   *
   * @return {@code http://host:port/}, if given
   */
  public Optional<URI> rest() {
    return Optional.ofNullable(rest);
  }

  /**
   * The native gRPC host.
   *
   * @return the host, if given
   */
  public Optional<String> grpcHost() {
    return Optional.ofNullable(grpcHost);
  }

  /**
   * The native gRPC port.
   *
   * @return the port, or -1 when not given
   */
  public int grpcPort() {
    return grpcHost == null ? -1 : grpcPort;
  }

  /**
   * The bearer token every call carries.
   *
   * @return the token, if any
   */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  /**
   * The workloads.
   *
   * @return the workloads, in their declaration order (unmodifiable)
   */
  public Set<Workload> workloads() {
    return workloads;
  }

  /**
   * The protocols.
   *
   * @return the protocols, in their declaration order (unmodifiable)
   */
  public Set<Protocol> protocols() {
    return protocols;
  }

  /**
   * Workers per cell.
   *
   * @return 1 to {@value #MAX_CONCURRENCY}
   */
  public int concurrency() {
    return concurrency;
  }

  /**
   * The measured time of each cell.
   *
   * @return more than zero
   */
  public Duration duration() {
    return duration;
  }

  /**
   * The unmeasured time before each cell's measurement.
   *
   * @return zero or more
   */
  public Duration warmup() {
    return warmup;
  }

  /**
   * Whether responses (and gRPC requests) are gzip-compressed.
   *
   * @return true for gzip
   */
  public boolean gzip() {
    return gzip;
  }

  /**
   * The number of cells.
   *
   * @return workloads × protocols
   */
  public int cells() {
    return workloads.size() * protocols.size();
  }

  /**
   * How long the run lasts at least.
   *
   * @return cells × (warm-up + duration)
   */
  public Duration totalTime() {
    return warmup.plus(duration).multipliedBy(cells());
  }

  @Override
  public String toString() {
    return "LoadPlan[workloads="
        + workloads
        + ", protocols="
        + protocols
        + ", concurrency="
        + concurrency
        + ", duration="
        + duration
        + ", warmup="
        + warmup
        + ", gzip="
        + gzip
        + ", token="
        + (token == null ? "none" : "set")
        + "]";
  }

  /**
   * Collects a plan. Not thread-safe; {@link #build()} may be called more than once.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private URI rest;
    private String grpcHost;
    private int grpcPort;
    private String token;
    private Set<Workload> workloads = Set.of();
    private Set<Protocol> protocols = Set.of();
    private int concurrency = 1;
    private Duration duration = Duration.ofSeconds(2);
    private Duration warmup = Duration.ofSeconds(1);
    private boolean gzip;

    private Builder() {}

    /**
     * The server root ({@code http://host:port/}) for REST ({@code <root>api/...}) and the web
     * protocols ({@code /userapi.v1.UserService/<Method>}). Cleartext only.
     *
     * @param root e.g. {@code http://127.0.0.1:8080/}
     * @return this builder
     */
    public Builder rest(URI root) {
      this.rest = Objects.requireNonNull(root, "root");
      return this;
    }

    /**
     * The native gRPC server (cleartext).
     *
     * @param host the host
     * @param port the port
     * @return this builder
     */
    public Builder grpc(String host, int port) {
      this.grpcHost = Objects.requireNonNull(host, "host");
      this.grpcPort = port;
      return this;
    }

    /**
     * A bearer token for every call ({@code Authorization: Bearer} on REST and the web protocols,
     * {@code authorization} metadata on gRPC).
     *
     * @param token the token, or null for none
     * @return this builder
     */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /**
     * The workloads to run (each over every protocol); replaces earlier ones.
     *
     * @param workloads at least one
     * @return this builder
     */
    public Builder workloads(Set<Workload> workloads) {
      this.workloads = Set.copyOf(Objects.requireNonNull(workloads, "workloads"));
      return this;
    }

    /**
     * The protocols to run every workload over; replaces earlier ones.
     *
     * @param protocols at least one
     * @return this builder
     */
    public Builder protocols(Set<Protocol> protocols) {
      this.protocols = Set.copyOf(Objects.requireNonNull(protocols, "protocols"));
      return this;
    }

    /**
     * Workers per cell.
     *
     * @param concurrency 1 to {@value LoadPlan#MAX_CONCURRENCY}
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /**
     * The measured time of each cell.
     *
     * @param duration more than zero
     * @return this builder
     */
    public Builder duration(Duration duration) {
      this.duration = Objects.requireNonNull(duration, "duration");
      return this;
    }

    /**
     * The warm-up of each cell.
     *
     * @param warmup zero or more
     * @return this builder
     */
    public Builder warmup(Duration warmup) {
      this.warmup = Objects.requireNonNull(warmup, "warmup");
      return this;
    }

    /**
     * Gzip: {@code Accept-Encoding: gzip} on REST, compressed calls on gRPC. Refused with gRPC-Web
     * and Connect (the server refuses compressed web requests).
     *
     * @param gzip true for gzip
     * @return this builder
     */
    public Builder gzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /**
     * The plan.
     *
     * @return the checked plan
     * @throws IllegalArgumentException saying what is wrong: no workloads or protocols, concurrency
     *     outside 1..256, a duration not above zero or a negative warm-up, gzip with a protocol
     *     that cannot do it, a protocol without its server, a REST root that is not {@code
     *     http://}, a port out of range, a token with line breaks
     */
    public LoadPlan build() {
      check(!workloads.isEmpty(), "workloads: choose at least one");
      check(!protocols.isEmpty(), "protocols: choose at least one");
      check(
          concurrency >= 1 && concurrency <= MAX_CONCURRENCY,
          "concurrency: " + concurrency + " is outside 1.." + MAX_CONCURRENCY);
      check(
          !duration.isNegative() && !duration.isZero(),
          "duration: " + duration + " must be more than zero");
      check(!warmup.isNegative(), "warmup: " + warmup + " must not be negative");
      if (gzip) {
        for (Protocol p : EnumSet.copyOf(protocols)) {
          check(
              p.supportsGzip(),
              "gzip: " + p.wireName() + " cannot be compressed (the server refuses it)");
        }
      }
      boolean needsRest = protocols.stream().anyMatch(Protocol::usesRestPort);
      if (needsRest) {
        check(rest != null, "rest: the REST root is needed for " + restProtocols());
        check(
            "http".equalsIgnoreCase(rest.getScheme()) && rest.getHost() != null,
            "rest: " + rest + " is not an http://host:port/ URI (the engine speaks cleartext)");
      }
      if (protocols.contains(Protocol.GRPC)) {
        check(grpcHost != null, "grpc: the gRPC host and port are needed for grpc");
        check(grpcPort > 0 && grpcPort < 65536, "grpc: port " + grpcPort + " is out of range");
      }
      if (token != null) {
        check(
            !token.isEmpty() && token.chars().noneMatch(c -> c < 0x20 || c == 0x7f),
            "token: must be non-empty and have no control characters");
      }
      return new LoadPlan(this);
    }

    private String restProtocols() {
      StringBuilder names = new StringBuilder();
      for (Protocol p : EnumSet.copyOf(protocols)) {
        if (p.usesRestPort()) {
          names.append(names.length() == 0 ? "" : ", ").append(p.wireName());
        }
      }
      return names.toString();
    }

    private static void check(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
