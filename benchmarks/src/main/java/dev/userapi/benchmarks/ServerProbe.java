package dev.userapi.benchmarks;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads the resources of the server process from outside it: heap after a full collection and
 * non-heap memory through JMX (the JDK's attach API starts the target's local management agent;
 * nothing has to be configured on the server), resident memory and threads from {@code
 * /proc/<pid>/status}, open descriptors from {@code /proc/<pid>/fd}, and the process's established
 * TCP connections from {@code /proc/<pid>/net/tcp{,6}}, matched to its sockets by inode and sorted
 * by the server port they arrived on.
 *
 * <p>Linux only. Not thread-safe: one sampler thread uses it.
 */
final class ServerProbe implements AutoCloseable {
  private static final double MB = 1024.0 * 1024.0;
  private static final String ESTABLISHED = "01";

  private final long pid;
  private final int restPort;
  private final int grpcPort;
  private final JMXConnector jmx;
  private final MemoryMXBean memory;
  private final List<MemoryPoolMXBean> pools;

  private ServerProbe(
      long pid,
      int restPort,
      int grpcPort,
      JMXConnector jmx,
      MemoryMXBean memory,
      List<MemoryPoolMXBean> pools) {
    this.pid = pid;
    this.restPort = restPort;
    this.grpcPort = grpcPort;
    this.jmx = jmx;
    this.memory = memory;
    this.pools = pools;
  }

  /**
   * Attaches to the JVM {@code pid}, whose API listens on {@code restPort} and {@code grpcPort}.
   */
  static ServerProbe attach(long pid, int restPort, int grpcPort) throws IOException {
    String address;
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
    } catch (AttachNotSupportedException e) {
      throw new IOException("cannot attach to the server JVM " + pid, e);
    }
    JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
    MBeanServerConnection server = jmx.getMBeanServerConnection();
    MemoryMXBean memory =
        ManagementFactory.newPlatformMXBeanProxy(
            server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    List<MemoryPoolMXBean> pools =
        ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class);
    return new ServerProbe(pid, restPort, grpcPort, jmx, memory, pools);
  }

  /**
   * One reading of the server's resources.
   *
   * @param heapAfterGcMb heap in use right after a full collection this probe asked for (the live
   *     set)
   * @param metaspaceMb metaspace in use (class metadata: grows with every class loaded, so a leak
   *     of generated classes shows here)
   * @param codeCacheMb the JIT's code heaps in use (grows as more code is compiled; bounded)
   * @param rssMb resident set size (VmRSS)
   * @param threads the process's threads, JVM-internal ones included
   * @param fds open file descriptors (files, sockets, pipes, epoll instances)
   * @param restConnections established TCP connections accepted on the REST port
   * @param grpcConnections established TCP connections accepted on the gRPC port
   * @param otherConnections the process's other established TCP connections: the probe's own JMX
   *     connection and, on PostgreSQL, the pool's and the change feed's
   */
  record Reading(
      double heapAfterGcMb,
      double metaspaceMb,
      double codeCacheMb,
      double rssMb,
      int threads,
      int fds,
      int restConnections,
      int grpcConnections,
      int otherConnections) {}

  Reading read() throws IOException {
    memory.gc(); // System.gc() in the server: a full collection, so "used" is the live set
    double heap = memory.getHeapMemoryUsage().getUsed() / MB;
    double metaspace = 0;
    double codeCache = 0;
    for (MemoryPoolMXBean pool : pools) {
      String name = pool.getName();
      if (name.equals("Metaspace")) {
        metaspace = pool.getUsage().getUsed() / MB;
      } else if (name.startsWith("CodeHeap") || name.equals("Code Cache")) {
        codeCache += pool.getUsage().getUsed() / MB;
      }
    }
    Path proc = Path.of("/proc", Long.toString(pid));
    long rssKb = 0;
    int threads = 0;
    for (String line : Files.readAllLines(proc.resolve("status"))) {
      if (line.startsWith("VmRSS:")) {
        rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
      } else if (line.startsWith("Threads:")) {
        threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
      }
    }
    Set<String> sockets = new HashSet<>();
    int fds = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : entries) {
        fds++;
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            sockets.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (NoSuchFileException e) {
          // closed while we listed: counted, not a socket any more
        }
      }
    }
    int[] connections = new int[3];
    for (String table : List.of("tcp", "tcp6")) {
      Path file = proc.resolve("net").resolve(table);
      if (Files.exists(file)) {
        countConnections(Files.readAllLines(file), sockets, connections);
      }
    }
    return new Reading(
        heap,
        metaspace,
        codeCache,
        rssKb / 1024.0,
        threads,
        fds,
        connections[0],
        connections[1],
        connections[2]);
  }

  /** Adds the established connections of {@code sockets} in one /proc/net/tcp table. */
  private void countConnections(List<String> lines, Set<String> sockets, int[] counts) {
    for (int i = 1; i < lines.size(); i++) { // the first line is the header
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      String[] f = lines.get(i).trim().split("\\s+");
      if (f.length < 10 || !f[3].equals(ESTABLISHED) || !sockets.contains(f[9])) {
        continue;
      }
      int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
      if (localPort == restPort) {
        counts[0]++;
      } else if (localPort == grpcPort) {
        counts[1]++;
      } else {
        counts[2]++;
      }
    }
  }

  @Override
  public void close() throws IOException {
    jmx.close();
  }
}
