package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GrpcTracing}: the caller's trace context arrives at the service, over real Netty. */
@Timeout(60)
class GrpcTracingTest {
  private static final OpenTelemetry OTEL =
      OpenTelemetry.propagating(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
  private static final SpanContext CALLER =
      SpanContext.create(
          "0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  private final CopyOnWriteArrayList<SpanContext> seen = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;
  private GrpcUserClient client;
  private User ada;

  @BeforeEach
  void start() throws IOException {
    DefaultUserService core = DefaultUserService.inMemory();
    ada = core.create(NewUser.of("Ada", "ada@example.com"), null);
    ForwardingUserService recording =
        new ForwardingUserService(core) {
          @Override
          public User get(String id) {
            seen.add(Span.current().getSpanContext());
            return super.get(id);
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                ServerInterceptors.intercept(
                    UserGrpcService.of(recording), GrpcTracing.serverInterceptor(OTEL)))
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    client =
        GrpcUserClient.builder()
            .channel(channel)
            .intercept(GrpcTracing.clientInterceptor(OTEL))
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void theCallersTraceIdArrivesAsTheRemoteParentOfTheServerCall() {
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
  void aCallWithoutATraceLeavesTheServerWithoutOne() {
    try (Scope ignored = Context.root().with(Span.wrap(CALLER)).makeCurrent()) {
      client.get(ada.id());
    }
    client.get(ada.id());

    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).isValid()).isFalse();
  }
}
