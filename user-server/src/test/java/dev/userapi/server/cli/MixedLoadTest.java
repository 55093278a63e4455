package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded load test on loopback: clients on both protocols run a fixed number of mixed operations
 * against one server, each remembering what the server acknowledged; afterwards the store must
 * equal that model. Nothing acknowledged is lost, nothing is duplicated, no two users share an
 * email.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MixedLoadTest {
  private static final int GRPC_CLIENTS = 6;
  private static final int REST_CLIENTS = 6;
  private static final int OPERATIONS_PER_CLIENT = 200;

  /** Emails every client competes for (in varying case), so that creates collide. */
  private static final int SHARED_EMAILS = 24;

  private UserServerCommand server;
  private final List<AutoCloseable> clients = new ArrayList<>();

  /** The highest-version state the server acknowledged for each user. */
  private final Map<String, User> acknowledged = new ConcurrentHashMap<>();

  private final Set<String> deleted = ConcurrentHashMap.newKeySet();
  private final List<String> ids = new CopyOnWriteArrayList<>();

  private final List<String> unexpected = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    server = UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable client : clients) {
      client.close();
    }
    server.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void theStoreEqualsTheModelOfAcknowledgedWritesAfterMixedConcurrentLoad() throws Exception {
    List<UserService> services = new ArrayList<>();
    for (int i = 0; i < GRPC_CLIENTS; i++) {
      GrpcUserClient client = GrpcUserClient.connect(server.grpcTarget());
      clients.add(client);
      services.add(client);
    }
    for (int i = 0; i < REST_CLIENTS; i++) {
      RestUserClient client = RestUserClient.connect(server.restUri());
      clients.add(client);
      services.add(client);
    }

    ExecutorService pool = Executors.newFixedThreadPool(services.size());
    try {
      List<CompletableFuture<Void>> runs = new ArrayList<>();
      for (int i = 0; i < services.size(); i++) {
        int client = i;
        runs.add(CompletableFuture.runAsync(() -> run(client, services.get(client)), pool));
      }
      // A bound against a hang, not a speed check: on a loaded 2-core machine the series takes
      // 40 s and more.
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(150, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    assertThat(unexpected).as("unexpected outcomes").isEmpty();
    assertThat(outcomes.get("create ok")).as("outcomes %s", outcomes).isNotNull();
    assertThat(outcomes.get("create ALREADY_EXISTS")).as("outcomes %s", outcomes).isNotNull();
    assertThat(outcomes.get("update PRECONDITION_FAILED")).as("outcomes %s", outcomes).isNotNull();

    List<User> stored = listEverything(services.get(0));
    Map<String, User> byId = new HashMap<>();
    Set<String> emails = new HashSet<>();
    for (User user : stored) {
      assertThat(byId.put(user.id(), user)).as("duplicate id %s", user.id()).isNull();
      assertThat(emails.add(user.email().toLowerCase(Locale.ROOT)))
          .as("two users share the email of %s", user.id())
          .isTrue();
    }
    int live = 0;
    for (User acked : acknowledged.values()) {
      if (deleted.contains(acked.id())) {
        assertThat(byId).as("acknowledged delete").doesNotContainKey(acked.id());
        continue;
      }
      live++;
      assertThat(byId.get(acked.id())).as("last acknowledged state").isEqualTo(acked);
    }
    // Every call had an answer (no UNAVAILABLE or DEADLINE_EXCEEDED: see expect), so every user
    // stored is one the model knows of.
    assertThat(stored.size())
        .as("stored users: exactly the acknowledged live ones")
        .isEqualTo(live);
  }

  /** One client's fixed series of operations; deterministic per client given the same replies. */
  private void run(int client, UserService users) {
    Random random = new Random(client);
    for (int op = 0; op < OPERATIONS_PER_CLIENT; op++) {
      int dice = random.nextInt(100);
      if (dice < 30 || ids.isEmpty()) {
        create(users, email(random, client, op), "Client " + client + " op " + op);
      } else if (dice < 50) {
        get(users, pick(random));
      } else if (dice < 80) {
        update(users, pick(random), random);
      } else if (dice < 90) {
        delete(users, pick(random), random);
      } else {
        createAll(users, random, client, op);
      }
    }
  }

  private void create(UserService users, String email, String name) {
    try {
      acknowledge(users.create(NewUser.of(name, email, 30)));
      count("create ok");
    } catch (UserException e) {
      expect("create", e, ErrorCode.ALREADY_EXISTS);
    }
  }

  private void get(UserService users, String id) {
    User before = acknowledged.get(id);
    try {
      User got = users.get(id);
      count("get ok");
      // Linearizable: a get sees at least every write acknowledged before it started.
      if (before != null && got.version() < before.version()) {
        unexpected.add("get of " + id + " returned version " + got.version() + " < " + before);
      }
    } catch (UserException e) {
      expect("get", e, ErrorCode.NOT_FOUND);
    }
  }

  private void update(UserService users, String id, Random random) {
    User known = acknowledged.get(id);
    if (known == null) {
      return;
    }
    // Sometimes a deliberately stale etag; concurrent writers make others stale by themselves.
    String etag =
        random.nextInt(5) == 0 && known.version() > 1
            ? Long.toString(known.version() - 1)
            : known.etag();
    UserUpdate.Builder update = UserUpdate.builder().age(random.nextInt(100));
    if (random.nextInt(4) == 0) {
      update.email("shared" + random.nextInt(SHARED_EMAILS) + "@load.example.com");
    } else {
      update.name("Updated " + random.nextInt(1000));
    }
    try {
      acknowledge(users.update(id, update.build(), etag));
      count("update ok");
    } catch (UserException e) {
      expect(
          "update",
          e,
          ErrorCode.PRECONDITION_FAILED,
          ErrorCode.NOT_FOUND,
          ErrorCode.ALREADY_EXISTS);
    }
  }

  private void delete(UserService users, String id, Random random) {
    User known = acknowledged.get(id);
    String etag = known != null && random.nextBoolean() ? known.etag() : null;
    try {
      users.delete(id, etag);
      deleted.add(id);
      count("delete ok");
    } catch (UserException e) {
      expect("delete", e, ErrorCode.NOT_FOUND, ErrorCode.PRECONDITION_FAILED);
    }
  }

  private void createAll(UserService users, Random random, int client, int op) {
    List<NewUser> batch = new ArrayList<>();
    int size = 2 + random.nextInt(4);
    for (int i = 0; i < size; i++) {
      batch.add(NewUser.of("Batch " + client + "/" + op, email(random, client, op * 10 + i), 40));
    }
    // One deliberate duplicate inside the batch.
    batch.add(batch.get(0));
    try {
      List<CreateResult> results = users.createAll(batch);
      count("createAll ok");
      assertThat(results).hasSize(batch.size());
      for (CreateResult result : results) {
        if (result.succeeded()) {
          acknowledge(result.user());
          count("create ok");
        } else {
          expect("createAll item", result.error(), ErrorCode.ALREADY_EXISTS);
        }
      }
    } catch (UserException e) {
      expect("createAll", e);
    }
  }

  /** A unique email, or (one time in three) a shared one in random case. */
  private static String email(Random random, int client, int op) {
    if (random.nextInt(3) == 0) {
      String local = "shared" + random.nextInt(SHARED_EMAILS);
      return (random.nextBoolean() ? local.toUpperCase(Locale.ROOT) : local) + "@load.example.com";
    }
    return "c" + client + "-" + op + "@load.example.com";
  }

  private String pick(Random random) {
    return ids.get(random.nextInt(ids.size()));
  }

  private void acknowledge(User user) {
    if (acknowledged.putIfAbsent(user.id(), user) == null) {
      ids.add(user.id());
      return;
    }
    acknowledged.merge(user.id(), user, (a, b) -> a.version() >= b.version() ? a : b);
  }

  /**
   * Counts an error and records it as unexpected unless {@code allowed}. UNAVAILABLE and
   * DEADLINE_EXCEEDED are never allowed: on a fault-free loopback run, far below the server's
   * limits, nothing should time out or be refused, and an ambiguous outcome would leave the model
   * unable to say what the store must hold.
   */
  private void expect(String operation, UserException e, ErrorCode... allowed) {
    count(operation + " " + e.code());
    if (!(allowed.length > 0 && EnumSet.of(allowed[0], allowed).contains(e.code()))) {
      unexpected.add(operation + ": " + e.code() + " " + e.getMessage());
    }
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
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
}
