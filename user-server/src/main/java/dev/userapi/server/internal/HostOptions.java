package dev.userapi.server.internal;

import dev.userapi.core.Authenticator;
import dev.userapi.core.UserService;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import jakarta.ws.rs.core.Feature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The checked settings of a {@code UserServer}, as its builder made them. Nullable: {@code
 * sslContext} (plaintext), {@code authenticator} (open), the metrics and tracing hooks (off).
 *
 * <p>Not API: used by userapi modules only.
 */
public record HostOptions(
    UserService users,
    String bind,
    int restPort,
    int grpcPort,
    boolean blockingStore,
    int workerThreads,
    ServerCredentials grpcCredentials,
    SSLContext sslContext,
    boolean mutualTls,
    List<X509Certificate> certificateChain,
    Authenticator authenticator,
    long maxRequestBodyBytes,
    int maxMessageBytes,
    int maxCallsPerConnection,
    int maxBatchItems,
    int maxConcurrentStreams,
    int maxConcurrentWatches,
    Duration idleTimeout,
    Duration watchHeartbeat,
    Duration healthCheckInterval,
    Duration gracePeriod,
    boolean reflection,
    boolean docs,
    boolean compressResponses,
    boolean http2,
    boolean webProtocols,
    List<String> corsAllowedOrigins,
    boolean console,
    Boolean consoleTools,
    ServerInterceptor grpcMetrics,
    Feature restMetrics,
    ServerInterceptor grpcTracing,
    Feature restTracing,
    List<ServerServiceDefinition> grpcServices,
    List<Object> restComponents) {

  /** Whether both listeners serve TLS. */
  public boolean tls() {
    return sslContext != null;
  }
}
