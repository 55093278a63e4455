package dev.userapi.server.internal;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Set;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpEvents;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.util.Header;

/**
 * Treats a request that offers a protocol upgrade the listener does not speak as the plain HTTP/1.1
 * request it also is, as RFC 9110 §7.8 lets a server do.
 *
 * <p>Grizzly marks every request carrying {@code Upgrade} as upgraded the moment it parses the
 * header: it stops decoding the body's transfer coding (a chunked body reaches the application with
 * its chunk sizes in it) and sends the response without the semantics it adds to any other one (no
 * {@code Content-Type}, no {@code Date}, {@code Connection: close}). java.net.http's default client
 * offers {@code Upgrade: h2c} on the first request of every {@code http://} connection, so without
 * this filter its first response on a listener without HTTP/2 lost its content type. The filter
 * sits after Grizzly's HTTP codec and clears the mark before the body is read; upgrades the
 * listener does handle ({@code supported}) pass untouched, with one exception below.
 *
 * <p>{@code Upgrade: h2c} offered on a request for a long-lived stream ({@code GET ...:watch},
 * {@code GET ...:stream}) is ignored too, and that one response goes out over HTTP/1.1; the next
 * request may upgrade. Grizzly 4.0.2 serves the request that carried an h2c upgrade (stream 1 of
 * the new HTTP/2 connection) in the filter-chain context of the TCP connection itself ({@code
 * Http2ServerFilter.tryHttpUpgrade} attaches the stream's {@code HttpContext} to the connection's
 * context), whereas every later stream gets a context whose closeable is the stream. When a client
 * resets stream 1 (it closed a watch), the next write to it fails ({@code DefaultOutputSink} throws
 * once the stream is terminated) and {@code DefaultFilterChain.execute} answers the failure by
 * closing the context's closeable: for stream 1 that is the TCP connection, and every other stream
 * on it dies with it. Short responses are written before a client could reset them; a stream may
 * run for hours, so it is not let onto stream 1. Prior-knowledge h2c and h2 over TLS have no
 * upgrade request and are unaffected.
 *
 * <p>Not API: used by userapi modules only. Stateless and thread-safe.
 */
final class IgnoredUpgrades extends BaseFilter {
  private final Set<String> supported;

  /**
   * @param supported the upgrade tokens another filter of the chain handles, in lower case
   */
  IgnoredUpgrades(Set<String> supported) {
    this.supported = Set.copyOf(requireNonNull(supported, "supported"));
  }

  @Override
  public NextAction handleEvent(FilterChainContext ctx, FilterChainEvent event) {
    if (event.type() == HttpEvents.IncomingHttpUpgradeEvent.TYPE) {
      HttpHeader header = ((HttpEvents.IncomingHttpUpgradeEvent) event).getHttpHeader();
      String offered = header.getUpgrade();
      String protocol = offered == null ? null : offered.trim().toLowerCase(Locale.ROOT);
      if (protocol == null
          || !supported.contains(protocol)
          || protocol.equals("h2c") && isLongLivedStream(header)) {
        header.getUpgradeDC().recycle();
        header.getHeaders().removeHeader(Header.Upgrade);
        header.setIgnoreContentModifiers(false);
      }
    }
    return ctx.getInvokeAction();
  }

  /**
   * Whether the request asks for one of the API's streamed responses. Any spelling the check does
   * not know (a matrix parameter, say) only keeps the upgrade, as before.
   */
  static boolean isLongLivedStream(HttpHeader header) {
    if (!(header instanceof HttpRequestPacket request) || !Method.GET.equals(request.getMethod())) {
      return false;
    }
    String path = request.getRequestURI().toLowerCase(Locale.ROOT);
    return path.endsWith(":watch")
        || path.endsWith("%3awatch")
        || path.endsWith(":stream")
        || path.endsWith("%3astream");
  }
}
