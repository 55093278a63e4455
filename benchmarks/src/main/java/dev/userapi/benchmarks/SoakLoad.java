package dev.userapi.benchmarks;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's bounded mixed load over both protocols: a fixed number of request-response workers per
 * protocol (creates, gets, updates with etags, deletes with etags, pages), a fixed number of stream
 * workers (each opens {@code stream}, reads all or part of it, closes it, again) and of watch
 * workers (each opens {@code watch}, reads events for a short while, closes it, again). The users
 * it creates are capped: at the cap a create becomes a delete, so the store stops growing.
 *
 * <p>Every user the load knows sits in a slot that one worker at a time claims for an operation, so
 * workers never race on a user and every failure is unexpected, apart from the one failure the load
 * asks for: an update with a stale etag, which must be refused with PRECONDITION_FAILED.
 *
 * <p>Thread-safe: counters are read by the sampler while workers run.
 */
final class SoakLoad implements AutoCloseable {
  private static final Duration STREAM_STALL = Duration.ofSeconds(30);
  private static final int MAX_ERROR_MESSAGES = 20;
  private static final int SEED_BATCH = 250;

  private final Map<String, UserService> protocols;
  private final int workersPerProtocol;
  private final int streamsPerProtocol;
  private final int watchesPerProtocol;
  private final double rate;
  private final String runTag = Long.toString(System.currentTimeMillis(), 36);

  private final AtomicReferenceArray<User> slots;
  private final Set<Integer> busy = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Integer> freeSlots = new ConcurrentLinkedQueue<>();
  private final AtomicInteger users = new AtomicInteger();
  private final AtomicLong emails = new AtomicLong();

  private final AtomicLong ops = new AtomicLong();
  private final AtomicLong streamsDone = new AtomicLong();
  private final AtomicLong watchesDone = new AtomicLong();
  private final AtomicLong watchEvents = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicInteger openStreams = new AtomicInteger();
  private final AtomicInteger openWatches = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> errorMessages = new ConcurrentLinkedQueue<>();
  private final AtomicLong nextTurn = new AtomicLong(System.nanoTime());

  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;

  /**
   * @param protocols the clients to load, by name (one per protocol)
   * @param rate request-response operations per second over all workers; 0 for as fast as they go
   */
  SoakLoad(
      Map<String, UserService> protocols,
      int workersPerProtocol,
      int streamsPerProtocol,
      int watchesPerProtocol,
      int maxUsers,
      double rate) {
    this.protocols = Map.copyOf(protocols);
    this.workersPerProtocol = workersPerProtocol;
    this.streamsPerProtocol = streamsPerProtocol;
    this.watchesPerProtocol = watchesPerProtocol;
    this.rate = rate;
    this.slots = new AtomicReferenceArray<>(maxUsers);
    for (int i = 0; i < maxUsers; i++) {
      freeSlots.add(i);
    }
  }

  /**
   * Fills the store to the cap through {@code service}'s batch create, so that the store is full
   * (and creates turn into deletes) from the first sample on rather than filling during the run,
   * which would look like growth.
   */
  void seed(UserService service) {
    List<NewUser> batch = new ArrayList<>();
    while (!freeSlots.isEmpty()) {
      batch.clear();
      for (int i = 0; i < SEED_BATCH && i < freeSlots.size(); i++) {
        batch.add(newUser());
      }
      for (CreateResult result : service.createAll(batch)) {
        if (!result.succeeded()) {
          throw new IllegalStateException("seeding failed: " + result);
        }
        slots.set(freeSlots.remove(), result.user());
        users.incrementAndGet();
      }
    }
  }

  private NewUser newUser() {
    long n = emails.incrementAndGet();
    return NewUser.of(
        "Soak User " + n, "soak-" + runTag + "-" + n + "@example.com", 18 + (int) (n % 60));
  }

  /** Starts every worker. */
  void start() {
    nextTurn.set(System.nanoTime());
    protocols.forEach(
        (name, service) -> {
          for (int i = 0; i < workersPerProtocol; i++) {
            startThread("soak-" + name + "-unary-" + i, () -> unaryLoop(name, service));
          }
          for (int i = 0; i < streamsPerProtocol; i++) {
            startThread("soak-" + name + "-stream-" + i, () -> streamLoop(name, service));
          }
          for (int i = 0; i < watchesPerProtocol; i++) {
            startThread("soak-" + name + "-watch-" + i, () -> watchLoop(name, service));
          }
        });
  }

  private void startThread(String name, Runnable loop) {
    Thread thread = new Thread(loop, name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  // ---- request-response ----------------------------------------------------------------------

  private void unaryLoop(String protocol, UserService service) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!stopping) {
      pace();
      int pick = random.nextInt(100);
      String op =
          pick < 20
              ? "create"
              : pick < 45 ? "get" : pick < 65 ? "update" : pick < 80 ? "delete" : "list";
      try {
        switch (op) {
          case "create" -> create(service);
          case "get" -> get(service);
          case "update" -> update(service, random);
          case "delete" -> delete(service);
          default -> list(service, random);
        }
        ops.incrementAndGet();
      } catch (RuntimeException e) {
        error(protocol, op, e);
      }
    }
  }

  /**
   * Waits for the next operation's turn when a rate is set. Turns missed while the machine was busy
   * are dropped, not made up for: a load that catches up in a burst is no longer a fixed load.
   */
  private void pace() {
    if (rate <= 0) {
      return;
    }
    long interval = (long) (1e9 / rate);
    long now = System.nanoTime();
    long due = Math.max(nextTurn.getAndUpdate(next -> Math.max(next, now) + interval), now);
    long wait = due - now;
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  private void create(UserService service) {
    Integer slot = freeSlots.poll();
    if (slot == null) { // at the cap: make room instead
      delete(service);
      return;
    }
    try {
      User user = service.create(newUser());
      slots.set(slot, user);
      users.incrementAndGet();
    } catch (RuntimeException e) {
      freeSlots.add(slot);
      throw e;
    }
  }

  private void get(UserService service) {
    int slot = claim();
    if (slot < 0) {
      create(service);
      return;
    }
    User known = slots.get(slot);
    try {
      User user = service.get(known.id());
      if (!user.etag().equals(known.etag())) {
        throw new IllegalStateException(
            "get returned etag " + user.etag() + ", expected " + known.etag());
      }
    } finally {
      release(slot, known);
    }
  }

  /** Updates with the current etag; one time in five also tries the old one, which must fail. */
  private void update(UserService service, ThreadLocalRandom random) {
    int slot = claim();
    if (slot < 0) {
      create(service);
      return;
    }
    User known = slots.get(slot);
    User now = known;
    try {
      now =
          service.update(
              known.id(),
              UserUpdate.builder().name("Soak Updated " + random.nextInt(1_000_000)).build(),
              known.etag());
      if (random.nextInt(5) == 0) {
        try {
          service.update(known.id(), UserUpdate.builder().age(99).build(), known.etag());
          throw new IllegalStateException("an update with a stale etag was accepted");
        } catch (UserException expected) {
          if (expected.code() != ErrorCode.PRECONDITION_FAILED) {
            throw expected;
          }
        }
      }
    } finally {
      release(slot, now);
    }
  }

  private void delete(UserService service) {
    int slot = claim();
    if (slot < 0) {
      return; // nothing to delete yet
    }
    User known = slots.getAndSet(slot, null);
    try {
      service.delete(known.id(), known.etag());
      users.decrementAndGet();
      freeSlots.add(slot);
      busy.remove(slot);
    } catch (RuntimeException e) {
      slots.set(slot, known);
      release(slot, known);
      throw e;
    }
  }

  /** Reads one page, and sometimes the next one through its token. */
  private void list(UserService service, ThreadLocalRandom random) {
    Page<User> page = service.list(UserQuery.firstPage(1 + random.nextInt(50)));
    if (page.hasNextPage() && random.nextBoolean()) {
      service.list(UserQuery.firstPage(page.items().size()).withPageToken(page.nextPageToken()));
    }
  }

  /**
   * Claims a random occupied slot for this worker alone, or returns -1 when none was found in a few
   * tries. The slot's user stays readable through {@code slots}; others skip it while claimed.
   */
  private int claim() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 16; attempt++) {
      int slot = random.nextInt(slots.length());
      if (slots.get(slot) != null && busy.add(slot)) {
        if (slots.get(slot) != null) {
          return slot;
        }
        busy.remove(slot);
      }
    }
    return -1;
  }

  private void release(int slot, User user) {
    if (user != null && slots.get(slot) != null) {
      slots.set(slot, user);
    }
    busy.remove(slot);
  }

  // ---- streams and watches -------------------------------------------------------------------

  /** Streams every user; every other stream is closed part-way through, which cancels it. */
  private void streamLoop(String protocol, UserService service) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!stopping) {
      int stopAfter = random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt(1, 200);
      try (BlockingStream<User> stream = BlockingStream.of(service.stream(UserFilter.all()))) {
        openStreams.incrementAndGet();
        try {
          for (int read = 0; read < stopAfter && stream.hasNext(STREAM_STALL); read++) {
            stream.next();
          }
        } finally {
          openStreams.decrementAndGet();
        }
        streamsDone.incrementAndGet();
      } catch (RuntimeException e) {
        error(protocol, "stream", e);
      }
      pause(50);
    }
  }

  /** Watches live changes for 0.2 to 2 seconds, then closes the watch (a cancel). */
  private void watchLoop(String protocol, UserService service) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!stopping) {
      long until = System.nanoTime() + Duration.ofMillis(random.nextInt(200, 2_000)).toNanos();
      try (BlockingStream<UserEvent> watch =
          BlockingStream.of(service.watch(UserService.WATCH_FROM_NOW))) {
        openWatches.incrementAndGet();
        try {
          for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
            if (watch.awaitNext(Duration.ofNanos(left))) {
              if (!watch.hasNext()) {
                throw new IllegalStateException("the watch ended by itself");
              }
              watch.next();
              watchEvents.incrementAndGet();
            }
          }
        } finally {
          openWatches.decrementAndGet();
        }
        watchesDone.incrementAndGet();
      } catch (RuntimeException e) {
        error(protocol, "watch", e);
      }
    }
  }

  private static void pause(long millis) {
    LockSupport.parkNanos(Duration.ofMillis(millis).toNanos());
  }

  private void error(String protocol, String op, RuntimeException e) {
    if (stopping) {
      return; // calls cut short by the end of the run are not the server's errors
    }
    errors.incrementAndGet();
    if (errorMessages.size() < MAX_ERROR_MESSAGES) {
      String what = e instanceof UserException u ? u.code() + " " + u.getMessage() : e.toString();
      errorMessages.add(protocol + " " + op + ": " + what);
    }
  }

  // ---- what the sampler reads ----------------------------------------------------------------

  /** Request-response operations completed. */
  long ops() {
    return ops.get();
  }

  long streamsDone() {
    return streamsDone.get();
  }

  long watchesDone() {
    return watchesDone.get();
  }

  long watchEvents() {
    return watchEvents.get();
  }

  long errors() {
    return errors.get();
  }

  int openStreams() {
    return openStreams.get();
  }

  int openWatches() {
    return openWatches.get();
  }

  /** Users the load created and has not deleted. */
  int users() {
    return users.get();
  }

  /** The first few errors, for the report. */
  List<String> errorMessages() {
    return List.copyOf(errorMessages);
  }

  /**
   * Stops the workers and waits for them (streams and watches end within their timeouts); an
   * interrupt stops the wait and leaves the thread interrupted.
   */
  @Override
  public void close() {
    stopping = true;
    try {
      for (Thread thread : threads) {
        thread.join(Duration.ofSeconds(40).toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
