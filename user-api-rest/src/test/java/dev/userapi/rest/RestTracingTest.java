package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RestTracing}: the caller's trace context arrives at the service over Jersey + Grizzly. */
@Timeout(60)
class RestTracingTest {
  private static final OpenTelemetry OTEL =
      OpenTelemetry.propagating(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
  private static final SpanContext CALLER =
      SpanContext.create(
          "4bf92f3577b34da6a3ce929d0e0e4736",
          "00f067aa0ba902b7",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  private final CopyOnWriteArrayList<SpanContext> seen = new CopyOnWriteArrayList<>();
  private TestServer server;
  private RestUserClient client;
  private User ada;

  @BeforeEach
  void start() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    ada = core.create(NewUser.of("Ada", "ada@example.com"), null);
    DelegatingUserService recording =
        new DelegatingUserService(core) {
          @Override
          public User get(String id) {
            seen.add(Span.current().getSpanContext());
            return super.get(id);
          }
        };
    server = TestServer.start(UserApiFeature.of(recording), RestTracing.serverFeature(OTEL));
    client =
        RestUserClient.builder()
            .baseUri(server.baseUri())
            .register(RestTracing.clientFilter(OTEL))
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void theCallersTraceIdArrivesAsTheRemoteParentOfTheRequest() {
    try (Scope ignored = Context.root().with(Span.wrap(CALLER)).makeCurrent()) {
      client.get(ada.id());
    }

    assertThat(seen).hasSize(1);
    SpanContext received = seen.get(0);
    assertThat(received.getTraceId()).isEqualTo(CALLER.getTraceId());
    assertThat(received.getSpanId()).isEqualTo(CALLER.getSpanId());
    assertThat(received.isSampled()).isTrue();
    assertThat(received.isRemote()).isTrue();
  }

  @Test
  void theContextEndsWithTheRequestSoTheNextOneOnThatThreadHasNone() {
    try (Scope ignored = Context.root().with(Span.wrap(CALLER)).makeCurrent()) {
      client.get(ada.id());
    }
    for (int i = 0; i < 5; i++) {
      client.get(ada.id());
    }

    assertThat(seen).hasSize(6);
    assertThat(seen.subList(1, 6)).allSatisfy(c -> assertThat(c.isValid()).isFalse());
  }
}
