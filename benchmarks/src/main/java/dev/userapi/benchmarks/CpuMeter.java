package dev.userapi.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the in-process servers, summed over their threads (named {@code srv-*}, plus
 * Grizzly's own pools), and of the whole process. Thread CPU separates the server from the load
 * client that shares the JVM; threads that end between two samples are lost, which is why the
 * servers run on long-lived pools.
 */
final class CpuMeter {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CpuMeter() {}

  /** Whether a thread with this name belongs to one of the in-process servers. */
  static boolean isServerThread(String name) {
    return name.startsWith("srv-") || name.startsWith("Grizzly") || name.startsWith("grizzly");
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
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
