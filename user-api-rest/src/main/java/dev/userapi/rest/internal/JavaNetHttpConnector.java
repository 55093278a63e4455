package dev.userapi.rest.internal;

import static java.util.Objects.requireNonNull;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Configuration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.client.ClientProperties;
import org.glassfish.jersey.client.ClientRequest;
import org.glassfish.jersey.client.ClientResponse;
import org.glassfish.jersey.client.spi.AsyncConnectorCallback;
import org.glassfish.jersey.client.spi.Connector;
import org.glassfish.jersey.client.spi.ConnectorProvider;
import org.glassfish.jersey.message.internal.Statuses;

/**
 * A Jersey client connector over the JDK's {@link HttpClient}, so that a {@code RestUserClient} can
 * speak HTTP/2: over TLS it negotiates {@code h2} through ALPN; in cleartext the first request of a
 * connection asks for {@code Upgrade: h2c} and later requests use the upgraded connection. Jersey
 * 4.0.2 publishes no such connector of its own.
 *
 * <p>Request bodies are written by Jersey into memory and sent with a known length (the API's
 * bodies are small documents); response bodies are streamed, so NDJSON and Server-Sent Events are
 * read as they arrive and closing the entity stream cancels the exchange. The client's connect
 * timeout, read timeout (the wait for a response's head) and SSL context are honoured; a hostname
 * verifier is not (the JDK client always verifies).
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
public final class JavaNetHttpConnector implements Connector {
  /** Headers the JDK client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final HttpClient http;
  private final Duration readTimeout; // null: none

  private JavaNetHttpConnector(HttpClient http, Duration readTimeout) {
    this.http = http;
    this.readTimeout = readTimeout;
  }

  /**
   * Makes {@code clients} build clients that use this connector with {@code version}. Call it
   * before setting timeouts or TLS on the builder: it replaces the builder's configuration.
   */
  public static ClientBuilder use(ClientBuilder clients, HttpClient.Version version) {
    requireNonNull(version, "version");
    return clients.withConfig(new ClientConfig().connectorProvider(provider(version)));
  }

  /**
   * One {@link HttpClient} for every connector of the clients built from one builder. Jersey builds
   * a connector for each configuration it derives (a request that sets a property of its own gets
   * one), and the JDK closes an {@code HttpClient}'s connections, with a GOAWAY, once the client is
   * unreachable: a connector per configuration would let the garbage collector end streams that are
   * still being read. So the provider keeps the client, and each response body holds it too.
   */
  static ConnectorProvider provider(HttpClient.Version version) {
    return new ConnectorProvider() {
      private final Map<List<Object>, HttpClient> clients = new ConcurrentHashMap<>();

      @Override
      public Connector getConnector(Client client, Configuration config) {
        Duration connect = millis(config.getProperty(ClientProperties.CONNECT_TIMEOUT));
        SSLContext ssl = client.getSslContext();
        HttpClient http =
            clients.computeIfAbsent(
                java.util.Arrays.asList(connect, ssl),
                key -> {
                  HttpClient.Builder builder =
                      HttpClient.newBuilder()
                          .version(version)
                          .followRedirects(HttpClient.Redirect.NEVER);
                  if (connect != null) {
                    builder.connectTimeout(connect);
                  }
                  if (ssl != null) {
                    builder.sslContext(ssl);
                  }
                  return builder.build();
                });
        return new JavaNetHttpConnector(
            http, millis(config.getProperty(ClientProperties.READ_TIMEOUT)));
      }
    };
  }

  private static Duration millis(Object value) {
    if (!(value instanceof Number number) || number.longValue() <= 0) {
      return null;
    }
    return Duration.ofMillis(number.longValue());
  }

  @Override
  public ClientResponse apply(ClientRequest request) {
    HttpRequest exchange = toHttpRequest(request);
    try {
      return toClientResponse(
          request, http.send(exchange, HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new ProcessingException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessingException("interrupted", e);
    }
  }

  @Override
  public Future<?> apply(ClientRequest request, AsyncConnectorCallback callback) {
    HttpRequest exchange;
    try {
      exchange = toHttpRequest(request);
    } catch (ProcessingException e) {
      callback.failure(e);
      return CompletableFuture.failedFuture(e);
    }
    return http.sendAsync(exchange, HttpResponse.BodyHandlers.ofInputStream())
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                callback.failure(new ProcessingException(cause.getMessage(), cause));
              } else {
                callback.response(toClientResponse(request, response));
              }
            });
  }

  private HttpRequest toHttpRequest(ClientRequest request) {
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    if (request.hasEntity()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      request.setStreamProvider(contentLength -> bytes);
      try {
        request.writeEntity();
      } catch (IOException e) {
        throw new ProcessingException("cannot write the request body", e);
      }
      body = HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray());
    }
    HttpRequest.Builder exchange =
        HttpRequest.newBuilder(request.getUri()).method(request.getMethod(), body);
    if (readTimeout != null) {
      exchange.timeout(readTimeout);
    }
    // Read after writeEntity: writing the entity may add headers (Content-Type, Content-Encoding).
    for (Map.Entry<String, List<String>> header : request.getStringHeaders().entrySet()) {
      if (RESTRICTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (String value : header.getValue()) {
        exchange.header(header.getKey(), value);
      }
    }
    return exchange.build();
  }

  private ClientResponse toClientResponse(
      ClientRequest request, HttpResponse<InputStream> response) {
    ClientResponse result =
        new ClientResponse(Statuses.from(response.statusCode()), request, response.uri());
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!name.startsWith(":")) {
                result.getHeaders().addAll(name, values);
              }
            });
    // The body keeps the HttpClient reachable while it is read (see provider(..)).
    result.setEntityStream(new KeepsClient(response.body(), http));
    return result;
  }

  /** A response body that holds the client it came from. */
  private static final class KeepsClient extends java.io.FilterInputStream {
    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private final HttpClient client;

    KeepsClient(InputStream body, HttpClient client) {
      super(body);
      this.client = client;
    }
  }

  @Override
  public String getName() {
    return "java.net.http";
  }

  @Override
  public void close() {
    // JDK 17's HttpClient has no close(): its connections and selector thread go when it is
    // unreachable, which is once the Jersey client that owns this connector is.
  }
}
