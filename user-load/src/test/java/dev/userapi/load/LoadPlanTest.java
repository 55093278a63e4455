package dev.userapi.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadPlanTest {
  private static LoadPlan.Builder valid() {
    return LoadPlan.builder()
        .rest(URI.create("http://127.0.0.1:8080/"))
        .grpc("127.0.0.1", 9090)
        .workloads(Set.of(Workload.GET))
        .protocols(Set.of(Protocol.REST_JSON, Protocol.GRPC))
        .concurrency(16)
        .duration(Duration.ofSeconds(2))
        .warmup(Duration.ofSeconds(1));
  }

  @Test
  void aValidPlanKeepsWhatItWasGivenInDeclarationOrder() {
    LoadPlan plan =
        valid()
            .workloads(Set.of(Workload.CREATE, Workload.GET))
            .protocols(EnumSet.allOf(Protocol.class))
            .build();

    assertThat(plan.workloads()).containsExactly(Workload.GET, Workload.CREATE);
    assertThat(plan.protocols()).containsExactly(Protocol.values());
    assertThat(plan.cells()).isEqualTo(12);
    assertThat(plan.totalTime()).isEqualTo(Duration.ofSeconds(36));
    assertThat(plan.concurrency()).isEqualTo(16);
    assertThat(plan.grpcPort()).isEqualTo(9090);
    assertThat(plan.token()).isEmpty();
  }

  @Test
  void concurrencyOutside1To256IsRefused() {
    assertThatThrownBy(() -> valid().concurrency(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("concurrency: 0 is outside 1..256");
    assertThatThrownBy(() -> valid().concurrency(257).build())
        .hasMessage("concurrency: 257 is outside 1..256");
    assertThat(valid().concurrency(256).build().concurrency()).isEqualTo(256);
  }

  @Test
  void durationsMustBePositiveAndTheWarmupNotNegative() {
    assertThatThrownBy(() -> valid().duration(Duration.ZERO).build())
        .hasMessage("duration: PT0S must be more than zero");
    assertThatThrownBy(() -> valid().warmup(Duration.ofSeconds(-1)).build())
        .hasMessage("warmup: PT-1S must not be negative");
    assertThat(valid().warmup(Duration.ZERO).build().warmup()).isZero();
  }

  @Test
  void emptySetsAreRefused() {
    assertThatThrownBy(() -> valid().workloads(Set.of()).build())
        .hasMessage("workloads: choose at least one");
    assertThatThrownBy(() -> valid().protocols(Set.of()).build())
        .hasMessage("protocols: choose at least one");
  }

  @Test
  void gzipIsRefusedForTheWebProtocolsOnly() {
    assertThatThrownBy(() -> valid().protocols(Set.of(Protocol.GRPC_WEB)).gzip(true).build())
        .hasMessage("gzip: grpc-web cannot be compressed (the server refuses it)");
    assertThatThrownBy(() -> valid().protocols(Set.of(Protocol.CONNECT_JSON)).gzip(true).build())
        .hasMessage("gzip: connect-json cannot be compressed (the server refuses it)");
    assertThat(
            valid()
                .protocols(
                    Set.of(
                        Protocol.REST_JSON,
                        Protocol.REST_PROTOBUF,
                        Protocol.REST_H2_JSON,
                        Protocol.GRPC))
                .gzip(true)
                .build()
                .gzip())
        .isTrue();
  }

  @Test
  void eachProtocolNeedsItsServer() {
    assertThatThrownBy(
            () ->
                LoadPlan.builder()
                    .grpc("127.0.0.1", 9090)
                    .workloads(Set.of(Workload.GET))
                    .protocols(Set.of(Protocol.GRPC, Protocol.CONNECT_JSON))
                    .build())
        .hasMessage("rest: the REST root is needed for connect-json");
    assertThatThrownBy(
            () ->
                LoadPlan.builder()
                    .rest(URI.create("http://127.0.0.1:8080/"))
                    .workloads(Set.of(Workload.GET))
                    .protocols(Set.of(Protocol.GRPC))
                    .build())
        .hasMessage("grpc: the gRPC host and port are needed for grpc");
    assertThatThrownBy(() -> valid().rest(URI.create("https://127.0.0.1:8443/")).build())
        .hasMessageContaining("is not an http://host:port/ URI");
  }

  @Test
  void aTokenWithALineBreakIsRefused() {
    assertThatThrownBy(() -> valid().token("a\r\nX-Evil: 1").build())
        .hasMessage("token: must be non-empty and have no control characters");
  }

  @Test
  void wireNamesRoundTripAndUnknownNamesSayWhatIsKnown() {
    for (Protocol p : Protocol.values()) {
      assertThat(Protocol.fromWireName(p.wireName())).isEqualTo(p);
    }
    for (Workload w : Workload.values()) {
      assertThat(Workload.fromWireName(w.wireName())).isEqualTo(w);
    }
    assertThat(Protocol.REST_H2_JSON.wireName()).isEqualTo("rest-h2-json");
    assertThat(Workload.LIST50.wireName()).isEqualTo("list50");
    assertThatThrownBy(() -> Protocol.fromWireName("soap"))
        .hasMessage(
            "unknown protocol 'soap' (known: rest-json, rest-protobuf, rest-h2-json, grpc,"
                + " grpc-web, connect-json)");
    assertThatThrownBy(() -> Workload.fromWireName("delete"))
        .hasMessage("unknown workload 'delete' (known: get, list50, create)");
  }
}
