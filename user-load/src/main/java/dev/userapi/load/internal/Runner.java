package dev.userapi.load.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives load: {@code concurrency} worker threads, each with its own {@link Op} (and connection),
 * each recording into its own HdrHistogram, merged at the end.
 *
 * <p>Closed loop by default: each worker sends its next request when the previous one returned.
 * With a {@code rate} (operations per second over all workers), each worker follows a fixed
 * schedule with an expected interval of {@code concurrency / rate} and latency is measured from the
 * <em>intended</em> start of each operation, not from when it was actually sent; a stalled server
 * therefore shows up in the percentiles instead of hiding behind the requests the client did not
 * send (coordinated omission).
 */
public final class Runner {
  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final int WARMING = 0;
  private static final int MEASURING = 1;
  private static final int STOPPED = 2;

  private final Duration warmup;
  private final Duration measure;
  private final double rate;
  private final boolean progress;
  private final boolean sampleMemory;
  private ServerMeter meter = ServerMeter.NONE;
  private Watcher watcher;

  /**
   * Told about a timed cell about once a second, and asked whether to stop early. Called on the
   * thread that called {@link #timed}.
   */
  public interface Watcher {
    /**
     * @param measuring false during the warm-up
     * @param phaseNanos time since the phase began
     * @param phaseOps operations completed (successfully) in the phase so far
     */
    void tick(boolean measuring, long phaseNanos, long phaseOps);

    /** Whether the cell should stop now; its measurement then covers the time until then. */
    boolean cancelled();
  }

  /** Reports timed cells to {@code watcher} (null for none). */
  public void watch(Watcher watcher) {
    this.watcher = watcher;
  }

  public Runner(
      Duration warmup, Duration measure, double rate, boolean progress, boolean sampleMemory) {
    this.warmup = warmup;
    this.measure = measure;
    this.rate = rate;
    this.progress = progress;
    this.sampleMemory = sampleMemory;
  }

  /** The meter of the servers of the current run. */
  public void meter(ServerMeter meter) {
    this.meter = meter;
  }

  /** Runs for the warm-up, then measures for the measurement time. */
  public Measurement timed(String label, int concurrency, Op.Factory factory, WireBytes wire)
      throws InterruptedException {
    Worker[] workers = new Worker[concurrency];
    AtomicReference<Throwable> setupFailure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(concurrency);
    CountDownLatch finished = new CountDownLatch(concurrency);
    AtomicLong phase = new AtomicLong(WARMING);
    AtomicLong measured = new AtomicLong();
    LongAdder completed = new LongAdder();
    long intervalNanos = rate > 0 ? (long) (concurrency * 1e9 / rate) : 0;
    for (int i = 0; i < concurrency; i++) {
      workers[i] =
          new Worker(i, factory, phase, ready, finished, setupFailure, intervalNanos, concurrency);
      workers[i].measured = measured;
      workers[i].completed = completed;
    }
    List<Thread> threads = startAll(workers);
    ready.await();
    long begin = System.nanoTime();
    long total = warmup.toNanos() + measure.toNanos();
    try (Progress bar =
        Progress.start(progress, label, () -> (System.nanoTime() - begin) / (double) total)) {
      watchedSleep(warmup.toNanos(), false, completed);
      Meters start = Meters.read(wire, meter);
      phase.set(MEASURING);
      ServerMeter.MemorySample memory = ServerMeter.MemorySample.NONE;
      if (watcher != null) {
        watchedSleep(measure.toNanos(), true, completed);
      } else if (sampleMemory) {
        // In the middle of the window, under load: a full collection, so this window's throughput
        // and CPU are not comparable with those of a run without --memory.
        sleepNanos(measure.toNanos() / 2);
        memory = meter.memory();
        sleepNanos(measure.toNanos() / 2);
      } else {
        sleepNanos(measure.toNanos());
      }
      // A window with no completed operation says nothing; extend it (bounded) until one completes.
      long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (measured.get() == 0
          && setupFailure.get() == null
          && !(watcher != null && watcher.cancelled())
          && System.nanoTime() < limit) {
        sleepNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      phase.set(STOPPED);
      Meters end = Meters.read(wire, meter);
      finished.await();
      joinAll(threads, label, setupFailure);
      return merge(workers, start, end).withMemory(memory);
    }
  }

  /**
   * Runs {@code totalOps} operations spread over {@code concurrency} workers and measures all of
   * them (no warm-up here: warm up with a smaller call first).
   */
  public Measurement counted(
      String label, int concurrency, long totalOps, Op.Factory factory, WireBytes wire)
      throws InterruptedException {
    Worker[] workers = new Worker[concurrency];
    AtomicReference<Throwable> setupFailure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(concurrency);
    CountDownLatch finished = new CountDownLatch(concurrency);
    AtomicLong phase = new AtomicLong(WARMING);
    AtomicLong remaining = new AtomicLong(totalOps);
    for (int i = 0; i < concurrency; i++) {
      workers[i] = new Worker(i, factory, phase, ready, finished, setupFailure, 0, concurrency);
      workers[i].budget = remaining;
    }
    List<Thread> threads = startAll(workers);
    ready.await();
    try (Progress bar =
        Progress.start(progress, label, () -> 1.0 - remaining.get() / (double) totalOps)) {
      Meters start = Meters.read(wire, meter);
      phase.set(MEASURING);
      ServerMeter.MemorySample memory = ServerMeter.MemorySample.NONE;
      if (sampleMemory) {
        // Half-way through the items, while the stream or batch is under way.
        while (remaining.get() > totalOps / 2 && finished.getCount() > 0) {
          sleepNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        memory = meter.memory();
      }
      finished.await();
      Meters end = Meters.read(wire, meter);
      joinAll(threads, label, setupFailure);
      return merge(workers, start, end).withMemory(memory);
    }
  }

  private static List<Thread> startAll(Worker[] workers) {
    List<Thread> threads = new ArrayList<>();
    for (Worker worker : workers) {
      Thread t = new Thread(worker, "cli-worker-" + worker.index);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    return threads;
  }

  private static void joinAll(
      List<Thread> threads, String label, AtomicReference<Throwable> setupFailure)
      throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
    if (setupFailure.get() != null) {
      throw new IllegalStateException(label + ": worker setup failed", setupFailure.get());
    }
  }

  /** The clock, the bytes on the wire and the CPU times at one moment; -1 for no server CPU. */
  private record Meters(
      long nanos, long sent, long received, long serverCpu, long serverJvmCpu, long processCpu) {
    static Meters read(WireBytes wire, ServerMeter meter) {
      return new Meters(
          System.nanoTime(),
          wire.sent(),
          wire.received(),
          meter.cpuNanos(),
          meter.jvmCpuNanos(),
          processCpuNanos());
    }
  }

  private static Measurement merge(Worker[] workers, Meters start, Meters end) {
    return merge(
        workers,
        end.nanos() - start.nanos(),
        end.sent() - start.sent(),
        end.received() - start.received(),
        start.serverCpu() < 0 ? -1 : end.serverCpu() - start.serverCpu(),
        start.serverJvmCpu() < 0 ? -1 : end.serverJvmCpu() - start.serverJvmCpu(),
        end.processCpu() - start.processCpu());
  }

  private static Measurement merge(
      Worker[] workers,
      long nanos,
      long sent,
      long received,
      long serverCpu,
      long serverJvmCpu,
      long processCpu) {
    Histogram all = new Histogram(HIGHEST_NANOS, 3);
    long ops = 0;
    long items = 0;
    long errors = 0;
    String firstError = null;
    for (Worker w : workers) {
      all.add(w.histogram);
      ops += w.ops;
      items += w.items;
      errors += w.errors;
      if (firstError == null && w.firstError != null) {
        firstError = w.firstError;
      }
    }
    return new Measurement(
        ops,
        items,
        errors,
        firstError,
        nanos,
        all,
        sent,
        received,
        serverCpu,
        serverJvmCpu,
        processCpu,
        ServerMeter.MemorySample.NONE);
  }

  /** CPU nanoseconds used so far by the whole process (servers, client, GC, JIT), or -1. */
  public static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * Sleeps for a phase of {@code nanos}; with a watcher, in steps of at most a second, telling it
   * how the phase goes and ending the phase early when it asks to stop.
   */
  private void watchedSleep(long nanos, boolean measuring, LongAdder completed)
      throws InterruptedException {
    if (watcher == null) {
      sleepNanos(nanos);
      return;
    }
    long begin = System.nanoTime();
    long opsAtBegin = completed.sum();
    long end = begin + nanos;
    long step = TimeUnit.SECONDS.toNanos(1);
    while (!watcher.cancelled()) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        break;
      }
      sleepNanos(Math.min(left, step));
      watcher.tick(measuring, System.nanoTime() - begin, completed.sum() - opsAtBegin);
    }
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(nanos);
  }

  private static final class Worker implements Runnable {
    final int index;
    final Op.Factory factory;
    final AtomicLong phase;
    final CountDownLatch ready;
    final CountDownLatch finished;
    final AtomicReference<Throwable> setupFailure;
    final long intervalNanos;
    final int concurrency;
    final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
    AtomicLong budget;
    AtomicLong measured = new AtomicLong();
    LongAdder completed = new LongAdder();
    long ops;
    long items;
    long errors;
    String firstError;

    Worker(
        int index,
        Op.Factory factory,
        AtomicLong phase,
        CountDownLatch ready,
        CountDownLatch finished,
        AtomicReference<Throwable> setupFailure,
        long intervalNanos,
        int concurrency) {
      this.index = index;
      this.factory = factory;
      this.phase = phase;
      this.ready = ready;
      this.finished = finished;
      this.setupFailure = setupFailure;
      this.intervalNanos = intervalNanos;
      this.concurrency = concurrency;
    }

    @Override
    public void run() {
      Op op;
      try {
        op = factory.newWorker(index);
      } catch (Exception | Error e) {
        setupFailure.compareAndSet(null, e);
        ready.countDown();
        finished.countDown();
        return;
      }
      ready.countDown();
      try (op) {
        if (budget != null) {
          while (phase.get() == WARMING) {
            Thread.onSpinWait();
          }
        }
        long intended =
            System.nanoTime() + (intervalNanos > 0 ? intervalNanos * index / concurrency : 0);
        while (true) {
          long p = phase.get();
          if (p == STOPPED) {
            break;
          }
          if (budget != null && budget.getAndDecrement() <= 0) {
            break;
          }
          long start;
          if (intervalNanos > 0) {
            long wait = intended - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
            start = intended;
            intended += intervalNanos;
          } else {
            start = System.nanoTime();
          }
          boolean measuring = phase.get() == MEASURING && p == MEASURING;
          try {
            long n = op.run();
            long latency = System.nanoTime() - start;
            completed.increment();
            if (measuring) {
              histogram.recordValue(Math.min(latency, HIGHEST_NANOS));
              ops++;
              items += n;
              measured.incrementAndGet();
            }
          } catch (Exception e) {
            if (measuring) {
              errors++;
              if (firstError == null) {
                firstError = e.toString();
              }
            }
          }
        }
      } finally {
        finished.countDown();
      }
    }
  }
}
