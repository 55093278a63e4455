package dev.userapi.server.internal.console;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserException;
import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.load.Scenario;
import dev.userapi.rest.RestUserClient;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Runs the shared client scenario ({@link Scenario}) through {@link GrpcUserClient} or {@link
 * RestUserClient} against this server's own listeners, with the caller's token (and under TLS
 * trusting exactly the server's own certificates), printing its lines as they come; the last line
 * is {@code scenario passed} or {@code scenario failed: <reason>}. One run per kind at a time; the
 * drain closes the clients of the runs that are going, which ends them.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
final class ClientScenarios {
  enum Kind {
    GRPC,
    REST
  }

  private final Map<Kind, AtomicBoolean> busy =
      Map.of(Kind.GRPC, new AtomicBoolean(), Kind.REST, new AtomicBoolean());
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** The kind named in a path; NOT_FOUND for any other name. */
  static Kind kind(String name) {
    return switch (name) {
      case "grpc" -> Kind.GRPC;
      case "rest" -> Kind.REST;
      default ->
          throw new UserException(ErrorCode.NOT_FOUND, "no client " + name + " (grpc, rest)");
    };
  }

  /**
   * Claims {@code kind}.
   *
   * @throws UserException ALREADY_EXISTS (409) while a run of that kind is going
   */
  void claim(Kind kind) {
    if (closed) {
      throw new UserException(ErrorCode.UNAVAILABLE, "the server is shutting down");
    }
    if (!busy.get(kind).compareAndSet(false, true)) {
      throw new UserException(
          ErrorCode.ALREADY_EXISTS,
          "the " + kind.name().toLowerCase(java.util.Locale.ROOT) + " client scenario is running");
    }
  }

  /**
   * Runs the scenario of a claimed {@code kind}, writing to {@code output}, then releases the kind.
   *
   * @param rest the REST root of this server
   * @param grpcTarget {@code host:port} of this server's gRPC listener
   * @param token the caller's bearer token, or null
   * @param trusted the server's own TLS certificates, which the client trusts; empty in plaintext
   */
  void run(
      Kind kind,
      URI rest,
      String grpcTarget,
      String token,
      List<X509Certificate> trusted,
      OutputStream output) {
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    try (Client client = client(kind, rest, grpcTarget, token, trusted)) {
      open.add(client);
      try {
        out.println(
            "running the client scenario through "
                + (kind == Kind.GRPC
                    ? "GrpcUserClient at " + grpcTarget
                    : "RestUserClient at " + rest)
                + (trusted.isEmpty() ? "" : " over TLS"));
        Scenario.run(client.users(), out);
        out.println("scenario passed");
      } catch (RuntimeException e) {
        out.println("scenario failed: " + reason(e));
      } finally {
        open.remove(client);
      }
    } catch (Exception e) {
      out.println("scenario failed: " + reason(e));
    } finally {
      out.flush();
      busy.get(kind).set(false);
    }
  }

  /** A client of either kind, closed by whoever made it. */
  private record Client(UserService users, AutoCloseable closer) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      closer.close();
    }
  }

  private static Client client(
      Kind kind, URI rest, String grpcTarget, String token, List<X509Certificate> trusted)
      throws GeneralSecurityException, IOException {
    TrustManager[] trust = trusted.isEmpty() ? null : trustOnly(trusted);
    if (kind == Kind.GRPC) {
      GrpcUserClient.Builder grpc = GrpcUserClient.builder().target(grpcTarget);
      if (trust != null) {
        grpc.channelCredentials(TlsChannelCredentials.newBuilder().trustManager(trust).build());
      }
      if (token != null) {
        grpc.bearerToken(token);
      }
      GrpcUserClient client = grpc.build();
      return new Client(client, client);
    }
    RestUserClient.Builder builder = RestUserClient.builder().baseUri(rest);
    if (trust != null) {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust, null);
      builder.sslContext(tls);
    }
    if (token != null) {
      builder.bearerToken(token);
    }
    RestUserClient client = builder.build();
    return new Client(client, client);
  }

  /** Trust managers that trust exactly {@code certificates} (the server's own). */
  private static TrustManager[] trustOnly(List<X509Certificate> certificates)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (X509Certificate certificate : certificates) {
      store.setCertificateEntry("server-" + i++, certificate);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private static String reason(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** Closes the clients of the runs that are going, which fails them at once: the server drains. */
  void close() {
    closed = true;
    for (AutoCloseable client : open) {
      try {
        client.close();
      } catch (Exception e) {
        // it is going away anyway
      }
    }
  }
}
