package dev.userapi.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userapi.core.Authenticator;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.Page;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import dev.userapi.core.User;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.load.CellResult;
import dev.userapi.load.LoadListener;
import dev.userapi.load.LoadPlan;
import dev.userapi.load.LoadProgress;
import dev.userapi.load.LoadReport;
import dev.userapi.load.LoadRun;
import dev.userapi.load.Protocol;
import dev.userapi.load.Workload;
import dev.userapi.server.UserServer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load engine of {@code user-load} against a real {@link UserServer} on loopback, with HTTP/2
 * and the web protocols on and bearer tokens required: every protocol × workload, progress events,
 * cancellation, and a run whose token is refused. Asserts behaviour, never speed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadRunTest {
  private static final String TOKEN = "load-secret";
  private static UserService users;
  private static UserServer server;

  @BeforeAll
  static void start() {
    users = DefaultUserService.inMemory();
    server =
        UserServer.builder(users)
            .restPort(0)
            .grpcPort(0)
            .blockingStore(false)
            .http2(true)
            .webProtocols(true)
            .authenticator(
                Authenticator.staticTokens(
                    Map.of(TOKEN, new Principal("load", Set.of(Scopes.READ, Scopes.WRITE)))))
            .gracePeriod(Duration.ofSeconds(1))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static LoadPlan.Builder plan() {
    return LoadPlan.builder()
        .rest(server.restUri())
        .grpc("127.0.0.1", server.grpcPort())
        .token(TOKEN)
        .concurrency(2)
        .warmup(Duration.ofMillis(200))
        .duration(Duration.ofSeconds(1));
  }

  @Test
  void everyProtocolAndWorkloadCompletesCallsWithoutErrorsAndCountsTheirBytes() throws Exception {
    LoadPlan plan =
        plan()
            .workloads(EnumSet.allOf(Workload.class))
            .protocols(EnumSet.allOf(Protocol.class))
            .build();
    List<LoadProgress> progress = new CopyOnWriteArrayList<>();
    List<CellResult> done = new CopyOnWriteArrayList<>();
    LoadRun run =
        LoadRun.start(
            plan,
            new LoadListener() {
              @Override
              public void progress(LoadProgress p) {
                progress.add(p);
              }

              @Override
              public void cellDone(CellResult r) {
                done.add(r);
              }
            });

    LoadReport report = run.completion().get(100, TimeUnit.SECONDS);

    assertThat(report.cancelled()).isFalse();
    assertThat(report.results()).hasSize(Workload.values().length * Protocol.values().length);
    assertThat(done).containsExactlyElementsOf(report.results());
    for (CellResult r : report.results()) {
      String cell = r.workload().wireName() + " over " + r.protocol().wireName();
      assertThat(r.errors()).as(cell + ": " + r.firstError()).isZero();
      assertThat(r.ops()).as(cell).isPositive();
      assertThat(r.opsPerSecond()).as(cell).isPositive();
      assertThat(r.requestBytes()).as(cell).isPositive();
      assertThat(r.responseBytes()).as(cell).isPositive();
      assertThat(r.latencyMicros().max()).as(cell).isGreaterThanOrEqualTo(r.latencyMicros().p50());
      assertThat(progress)
          .as(cell + " reported its measurement")
          .anyMatch(
              p ->
                  p.protocol() == r.protocol()
                      && p.workload() == r.workload()
                      && p.phase() == LoadProgress.Phase.MEASURE);
    }
    // A page of 50 is bigger on the wire than one user, whatever the protocol.
    for (Protocol p : Protocol.values()) {
      assertThat(responseBytes(report, p, Workload.LIST50))
          .as(p.wireName())
          .isGreaterThan(responseBytes(report, p, Workload.GET));
    }
    assertThat(report.createdDomain()).isEqualTo(run.createdDomain());
    long created = countWithDomain(run.createdDomain());
    long createOps =
        report.results().stream()
            .filter(r -> r.workload() == Workload.CREATE)
            .mapToLong(CellResult::ops)
            .sum();
    // Seeds (50) plus every create, warm-up included: at least the measured ones.
    assertThat(created).isGreaterThanOrEqualTo(50 + createOps);
  }

  @Test
  void theLargestConcurrencyRunsWithoutErrorsOverHttp2AndGrpc() throws Exception {
    LoadPlan plan =
        plan()
            .concurrency(LoadPlan.MAX_CONCURRENCY)
            .workloads(Set.of(Workload.GET))
            .protocols(Set.of(Protocol.REST_H2_JSON, Protocol.GRPC))
            .build();

    LoadReport report =
        LoadRun.start(plan, LoadListener.NONE).completion().get(60, TimeUnit.SECONDS);

    assertThat(report.results())
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.errors()).as(r.protocol() + ": " + r.firstError()).isZero();
              assertThat(r.ops()).isPositive();
            });
  }

  @Test
  void cancelEndsTheRunningCellAndCompletesWithACancelledReport() throws Exception {
    LoadPlan plan =
        plan()
            .workloads(Set.of(Workload.GET))
            .protocols(Set.of(Protocol.REST_JSON, Protocol.GRPC))
            .duration(Duration.ofSeconds(60))
            .build();
    CountDownLatch measuring = new CountDownLatch(1);
    LoadRun run =
        LoadRun.start(
            plan,
            new LoadListener() {
              @Override
              public void progress(LoadProgress p) {
                if (p.phase() == LoadProgress.Phase.MEASURE) {
                  measuring.countDown();
                }
              }
            });
    assertThat(measuring.await(30, TimeUnit.SECONDS)).isTrue();

    run.cancel();

    LoadReport report = run.completion().get(30, TimeUnit.SECONDS);
    assertThat(report.cancelled()).isTrue();
    assertThat(report.results()).isEmpty();
  }

  @Test
  void aRefusedTokenFailsTheRunWithTheServersAnswer() {
    LoadPlan plan =
        plan()
            .token("not-a-token")
            .workloads(Set.of(Workload.GET))
            .protocols(Set.of(Protocol.REST_JSON))
            .build();

    LoadRun run = LoadRun.start(plan, LoadListener.NONE);

    assertThatThrownBy(() -> run.completion().get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("HTTP 401");
  }

  @Test
  void aGrpcOnlyPlanSeedsOverGrpc() throws Exception {
    LoadPlan plan =
        LoadPlan.builder()
            .grpc("127.0.0.1", server.grpcPort())
            .token(TOKEN)
            .workloads(Set.of(Workload.GET))
            .protocols(Set.of(Protocol.GRPC))
            .warmup(Duration.ZERO)
            .duration(Duration.ofMillis(500))
            .build();

    LoadReport report =
        LoadRun.start(plan, LoadListener.NONE).completion().get(30, TimeUnit.SECONDS);

    assertThat(report.results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.errors()).as(String.valueOf(r.firstError())).isZero();
              assertThat(r.ops()).isPositive();
            });
    assertThat(countWithDomain(report.createdDomain())).isEqualTo(1);
  }

  private static long responseBytes(LoadReport report, Protocol protocol, Workload workload) {
    return report.results().stream()
        .filter(r -> r.protocol() == protocol && r.workload() == workload)
        .findFirst()
        .orElseThrow()
        .responseBytes();
  }

  private static long countWithDomain(String domain) {
    long n = 0;
    UserQuery query = UserQuery.firstPage(100);
    while (true) {
      Page<User> page = users.list(query);
      n += page.items().stream().filter(u -> u.email().endsWith("@" + domain)).count();
      if (!page.hasNextPage()) {
        return n;
      }
      query = query.withPageToken(page.nextPageToken());
    }
  }
}
