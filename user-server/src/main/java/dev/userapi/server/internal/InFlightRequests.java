package dev.userapi.server.internal;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.ShutdownEvent;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.HttpServerProbe;
import org.glassfish.grizzly.http.server.Request;

/**
 * Counts the HTTP requests a Grizzly server still owes an answer, so that a graceful shutdown can
 * tell when the drain is really over.
 *
 * <p>Grizzly's own count (behind {@code HttpServer.shutdown(grace)}) never forgets a suspended
 * response whose connection closes: Grizzly 4.0.2 cancels such a response without completing it.
 * Every SSE watcher that hangs up leaves one behind, and the shutdown then waits its whole grace
 * period for a request nobody is serving. Here a request is over when its response has been
 * flushed, as Grizzly counts it, or when it was cancelled, which Grizzly forgets to count.
 *
 * <p>Not API: used by the example server only.
 */
final class InFlightRequests extends HttpServerProbe.Adapter {
  // Grizzly recycles Request objects, so each request gets a token of its own.
  private static final String TOKEN = InFlightRequests.class.getName();

  private final Set<Object> open = ConcurrentHashMap.newKeySet();
  private volatile boolean shutdownSeen;

  /**
   * A filter to insert into the listener's chain just before {@code HttpServerFilter}: it notes
   * when Grizzly's graceful shutdown has reached the HTTP layer, after which stopping the server at
   * once no longer races with Grizzly's own shutdown thread.
   */
  Filter shutdownWatcher() {
    return new BaseFilter() {
      @Override
      public NextAction handleEvent(FilterChainContext ctx, FilterChainEvent event)
          throws IOException {
        if (event.type() == ShutdownEvent.TYPE) {
          shutdownSeen = true;
        }
        return ctx.getInvokeAction();
      }
    };
  }

  @Override
  public void onRequestReceiveEvent(
      HttpServerFilter filter, Connection connection, Request request) {
    Object token = new Object();
    open.add(token);
    request.setAttribute(TOKEN, token);
    // Runs once the handler has finished the response; done when it has left the write queue.
    request.addAfterServiceListener(
        served ->
            served
                .getContext()
                .flush(
                    new EmptyCompletionHandler<>() {
                      @Override
                      public void completed(Object result) {
                        open.remove(token);
                      }

                      @Override
                      public void failed(Throwable error) {
                        open.remove(token);
                      }

                      @Override
                      public void cancelled() {
                        open.remove(token);
                      }
                    }));
  }

  @Override
  public void onRequestCancelEvent(
      HttpServerFilter filter, Connection connection, Request request) {
    // A suspended response whose connection closed (or whose suspension timed out). Grizzly does
    // not recycle a cancelled request, so its token is still there.
    Object token = request.getAttribute(TOKEN);
    if (token != null) {
      open.remove(token);
    }
  }

  /** The number of requests still being served. */
  int count() {
    return open.size();
  }

  /** Whether the graceful shutdown has reached the HTTP layer; see {@link #shutdownWatcher()}. */
  boolean shutdownSeen() {
    return shutdownSeen;
  }
}
