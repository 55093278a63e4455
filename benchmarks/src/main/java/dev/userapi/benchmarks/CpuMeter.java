package dev.userapi.benchmarks;

import dev.userapi.load.internal.Runner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the in-process servers, summed over their threads, and of the whole process. Thread
 * CPU separates the server from the load client that shares the JVM; threads that end between two
 * samples are lost, which is why the servers run on long-lived pools.
 *
 * <p>Server threads are told by name: user-server names every thread it starts {@code userapi-*}
 * (REST selectors and workers, gRPC event loops and workers, the timer), the raw floor {@code
 * srv-raw-*}. The load client's threads are {@code cli-*}. The one userapi client thread that takes
 * the {@code userapi-} prefix, {@code RestUserClient}'s stream readers ({@code
 * userapi-rest-client-*}), is excluded by name, although the in-process benchmark does not use that
 * client (it seeds the store directly and loads the servers with clients of its own).
 */
final class CpuMeter {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CpuMeter() {}

  private static final String USER_SERVER_PREFIX = "userapi-";
  private static final String USER_CLIENT_PREFIX = "userapi-rest-client-";

  /** Whether a thread with this name belongs to one of the in-process servers. */
  static boolean isServerThread(String name) {
    if (name.startsWith(USER_CLIENT_PREFIX)) {
      return false;
    }
    return name.startsWith(USER_SERVER_PREFIX) || name.startsWith(RawFloorServer.THREAD_PREFIX);
  }

  /** CPU nanoseconds used so far by the live server threads. */
  static long serverCpuNanos() {
    long total = 0;
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      ThreadInfo info = infos[i];
      if (info != null && isServerThread(info.getThreadName())) {
        long cpu = THREADS.getThreadCpuTime(ids[i]);
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }

  /** CPU nanoseconds used so far by the whole process (servers, client, GC, JIT). */
  static long processCpuNanos() {
    return Runner.processCpuNanos();
  }
}
