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
 * listener does handle ({@code supported}) pass untouched.
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
      if (offered == null || !supported.contains(offered.trim().toLowerCase(Locale.ROOT))) {
        header.getUpgradeDC().recycle();
        header.getHeaders().removeHeader(Header.Upgrade);
        header.setIgnoreContentModifiers(false);
      }
    }
    return ctx.getInvokeAction();
  }
}
