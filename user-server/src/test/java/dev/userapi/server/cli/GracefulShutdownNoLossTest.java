package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writers on both protocols keep creating users while the server shuts down: every create the
 * server acknowledged, before or during the drain, is in the store afterwards; calls after the
 * drain are refused cleanly as UNAVAILABLE; nothing is duplicated.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GracefulShutdownNoLossTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int WRITERS_PER_PROTOCOL = 2;
  private static final int MAX_CREATES_PER_WRITER = 20_000;

  private DefaultUserService store;
  private HeldCreates held;
  private UserServerCommand server;
  private String grpcTarget;
  private java.net.URI restUri;
  private final List<AutoCloseable> clients = new ArrayList<>();

  private final List<User> acknowledged = new CopyOnWriteArrayList<>();
  private final AtomicInteger ambiguous = new AtomicInteger();
  private final List<String> unclean = new CopyOnWriteArrayList<>();
  private volatile boolean shuttingDown;

  @BeforeEach
  void start() {
    store = DefaultUserService.inMemory();
    held = new HeldCreates(store);
    // Held creates block, so the store is declared blocking: calls run on workers.
    server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0")
            .start(new Store("held in-memory", held, true, () -> {}));
    grpcTarget = server.grpcTarget();
    restUri = server.restUri();
  }

  @AfterEach
  void stop() throws Exception {
    held.release();
    server.shutdown(Duration.ZERO);
    for (AutoCloseable client : clients) {
      client.close();
    }
  }

  @Test
  void everyCreateAcknowledgedBeforeOrDuringTheDrainSurvivesAndLaterCallsAreRefused()
      throws Exception {
    List<UserService> writers = new ArrayList<>();
    for (int i = 0; i < WRITERS_PER_PROTOCOL; i++) {
      writers.add(grpc());
      writers.add(rest());
    }
    CountDownLatch warmedUp = new CountDownLatch(writers.size());
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (int i = 0; i < writers.size(); i++) {
      int writer = i;
      runs.add(CompletableFuture.runAsync(() -> write(writer, writers.get(writer), warmedUp)));
    }
    assertThat(warmedUp.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // One create per protocol is in flight (held in the store) when the shutdown begins.
    CompletableFuture<User> heldGrpc =
        CompletableFuture.supplyAsync(
            () -> grpc().create(NewUser.of("Held", "held-grpc@drain.example.com", 1)));
    CompletableFuture<User> heldRest =
        CompletableFuture.supplyAsync(
            () -> rest().create(NewUser.of("Held", "held-rest@drain.example.com", 1)));
    held.awaitEntered();

    // The ports are read first: once the shutdown begins the server no longer reports them.
    int restPort = server.restPort();
    int grpcPort = server.grpcPort();
    shuttingDown = true;
    CompletableFuture<Void> shutdown =
        CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(30)));
    // The drain has begun when neither port takes new connections any more.
    await().atMost(WAIT).until(() -> refused(grpcPort) && refused(restPort));
    assertThat(heldGrpc).isNotDone();
    assertThat(heldRest).isNotDone();

    held.release();
    acknowledged.add(heldGrpc.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    acknowledged.add(heldRest.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    shutdown.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(unclean).as("failures other than a clean refusal").isEmpty();
    // Calls after the drain are refused on both protocols.
    assertThatThrownBy(() -> grpc().create(NewUser.of("Late", "late-grpc@drain.example.com")))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThatThrownBy(() -> rest().create(NewUser.of("Late", "late-rest@drain.example.com")))
        .isInstanceOfSatisfying(
            UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

    // Nothing acknowledged is lost; nothing is duplicated.
    for (User user : acknowledged) {
      assertThat(store.get(user.id())).isEqualTo(user);
    }
    List<User> stored = listEverything(store);
    Set<String> emails = new HashSet<>();
    for (User user : stored) {
      assertThat(emails.add(user.email().toLowerCase(Locale.ROOT))).isTrue();
    }
    assertThat(stored.size()).isBetween(acknowledged.size(), acknowledged.size() + ambiguous.get());
  }

  /** Creates users until the server refuses; records what it acknowledged. */
  private void write(int writer, UserService users, CountDownLatch warmedUp) {
    for (int n = 0; n < MAX_CREATES_PER_WRITER; n++) {
      try {
        acknowledged.add(
            users.create(
                NewUser.of("Writer " + writer, "w" + writer + "-" + n + "@drain.example.com")));
        if (n == 20) {
          warmedUp.countDown();
        }
      } catch (UserException e) {
        boolean refused =
            e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.DEADLINE_EXCEEDED;
        if (refused) {
          ambiguous.incrementAndGet(); // the create may or may not have happened
        }
        if (!refused || !shuttingDown) {
          unclean.add("writer " + writer + ": " + e.code() + " " + e.getMessage());
        }
        return;
      }
    }
    unclean.add("writer " + writer + " was never refused");
  }

  private static boolean refused(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private GrpcUserClient grpc() {
    GrpcUserClient client = GrpcUserClient.connect(grpcTarget);
    clients.add(client);
    return client;
  }

  private RestUserClient rest() {
    RestUserClient client = RestUserClient.connect(restUri);
    clients.add(client);
    return client;
  }

  private static List<User> listEverything(UserService users) {
    List<User> all = new ArrayList<>();
    UserQuery query = UserQuery.firstPage(1000);
    while (true) {
      Page<User> page = users.list(query);
      all.addAll(page.items());
      if (!page.hasNextPage()) {
        return all;
      }
      query = query.withPageToken(page.nextPageToken());
    }
  }

  /** Holds creates of {@code held-*} emails in the store until released. */
  private static final class HeldCreates extends ForwardingUserService {
    private final CountDownLatch entered = new CountDownLatch(2);
    private final CountDownLatch released = new CountDownLatch(1);

    HeldCreates(UserService delegate) {
      super(delegate);
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("both held creates arrived")
          .isTrue();
    }

    void release() {
      released.countDown();
    }

    @Override
    public User create(NewUser newUser, String requestId) {
      if (newUser.email().startsWith("held-")) {
        entered.countDown();
        try {
          if (!released.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the held create was never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      return super.create(newUser, requestId);
    }
  }
}
