package dev.userapi.server.internal.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.userapi.core.UserException;
import dev.userapi.load.LoadPlan;
import dev.userapi.load.Protocol;
import dev.userapi.load.Workload;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A benchmark run as the page posts it, checked: {@code {"workloads":["get"],"protocols":["grpc"],
 * "concurrency":16,"durationSeconds":2,"warmupSeconds":1,"gzip":false}}. Every refusal is
 * INVALID_ARGUMENT (400) naming the member at fault.
 *
 * <p>Immutable and thread-safe. Not API: used by userapi modules only.
 */
record BenchmarkRequest(
    Set<Workload> workloads,
    Set<Protocol> protocols,
    int concurrency,
    int durationSeconds,
    int warmupSeconds,
    boolean gzip) {

  static final int MAX_DURATION_SECONDS = 30;
  static final int MAX_TOTAL_SECONDS = 120;
  private static final List<String> MEMBERS =
      List.of("workloads", "protocols", "concurrency", "durationSeconds", "warmupSeconds", "gzip");

  /** Reads and checks {@code body}; what the server cannot serve is refused too. */
  static BenchmarkRequest parse(
      String body, ObjectMapper json, boolean http2, boolean webProtocols) {
    JsonNode root;
    try {
      root = body == null || body.isBlank() ? null : json.readTree(body);
    } catch (IOException e) {
      throw UserException.invalidArgument("body", "is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw UserException.invalidArgument("body", "must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!MEMBERS.contains(name)) {
        throw UserException.invalidArgument(
            name, "unknown member (expected: " + String.join(", ", MEMBERS) + ")");
      }
    }
    Set<Workload> workloads = new LinkedHashSet<>();
    for (String name : strings(root, "workloads")) {
      try {
        workloads.add(Workload.fromWireName(name));
      } catch (IllegalArgumentException e) {
        throw UserException.invalidArgument("workloads", e.getMessage());
      }
    }
    Set<Protocol> protocols = new LinkedHashSet<>();
    for (String name : strings(root, "protocols")) {
      Protocol protocol;
      try {
        protocol = Protocol.fromWireName(name);
      } catch (IllegalArgumentException e) {
        throw UserException.invalidArgument("protocols", e.getMessage());
      }
      if (protocol == Protocol.REST_H2_JSON && !http2) {
        throw UserException.invalidArgument(
            "protocols", name + " needs HTTP/2 on the REST port, which this server has off");
      }
      if ((protocol == Protocol.GRPC_WEB || protocol == Protocol.CONNECT_JSON) && !webProtocols) {
        throw UserException.invalidArgument(
            "protocols", name + " needs gRPC-Web and Connect, which this server has off");
      }
      protocols.add(protocol);
    }
    int concurrency = integer(root, "concurrency", 16, 1, LoadPlan.MAX_CONCURRENCY);
    int duration = integer(root, "durationSeconds", 2, 1, MAX_DURATION_SECONDS);
    int warmup = integer(root, "warmupSeconds", 1, 0, MAX_DURATION_SECONDS);
    boolean gzip = bool(root, "gzip");
    if (gzip) {
      for (Protocol protocol : protocols) {
        if (!protocol.supportsGzip()) {
          throw UserException.invalidArgument(
              "gzip", protocol.wireName() + " cannot be compressed (the server refuses it)");
        }
      }
    }
    long total = (long) workloads.size() * protocols.size() * (duration + warmup);
    if (total > MAX_TOTAL_SECONDS) {
      throw UserException.invalidArgument(
          "durationSeconds",
          "the run would take "
              + total
              + " s (cells × (durationSeconds + warmupSeconds)); at most "
              + MAX_TOTAL_SECONDS
              + " s");
    }
    return new BenchmarkRequest(workloads, protocols, concurrency, duration, warmup, gzip);
  }

  private static Set<String> strings(JsonNode root, String member) {
    JsonNode node = root.get(member);
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw UserException.invalidArgument(member, "must be a non-empty array of names");
    }
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw UserException.invalidArgument(member, "must hold names (strings)");
      }
      names.add(item.asText());
    }
    return names;
  }

  private static int integer(JsonNode root, String member, int absent, int min, int max) {
    JsonNode node = root.get(member);
    if (node == null || node.isNull()) {
      return absent;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw UserException.invalidArgument(member, "must be an integer");
    }
    int value = node.asInt();
    if (value < min || value > max) {
      throw UserException.invalidArgument(member, value + " is outside " + min + ".." + max);
    }
    return value;
  }

  private static boolean bool(JsonNode root, String member) {
    JsonNode node = root.get(member);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw UserException.invalidArgument(member, "must be true or false");
    }
    return node.asBoolean();
  }

  /** The request as JSON, with the defaults filled in: the run's {@code config}. */
  ObjectNode toJson(ObjectMapper json) {
    ObjectNode node = json.createObjectNode();
    var workloadNames = node.putArray("workloads");
    workloads.forEach(w -> workloadNames.add(w.wireName()));
    var protocolNames = node.putArray("protocols");
    protocols.forEach(p -> protocolNames.add(p.wireName()));
    node.put("concurrency", concurrency);
    node.put("durationSeconds", durationSeconds);
    node.put("warmupSeconds", warmupSeconds);
    node.put("gzip", gzip);
    return node;
  }
}
