package dev.userapi.benchmarks;

import dev.userapi.load.internal.Measurement;
import dev.userapi.load.internal.Op;
import dev.userapi.load.internal.Runner;
import dev.userapi.load.internal.WireBytes;
import java.util.ArrayList;
import java.util.List;

/**
 * The workloads of one run, in order, each cell over both protocols one after the other (the order
 * flips every run so neither protocol always goes first), ours then bare.
 */
final class Session {
  private final Benchmark options;
  private final Benchmark.Environment env;
  private final Runner runner;
  private final Runner firstCellRunner;
  private final FirstCells firstCells;
  private final int run;
  private final int gzipConcurrency;
  private final List<Result> results;
  private final List<String> protocolOrder;

  Session(
      Benchmark options,
      Benchmark.Environment env,
      Runner runner,
      Runner firstCellRunner,
      FirstCells firstCells,
      int run,
      int gzipConcurrency,
      List<Result> results) {
    this.options = options;
    this.env = env;
    this.runner = runner;
    this.firstCellRunner = firstCellRunner;
    this.firstCells = firstCells;
    this.run = run;
    this.gzipConcurrency = gzipConcurrency;
    this.results = results;
    List<String> order = new ArrayList<>(List.of("grpc", "rest"));
    order.retainAll(options.protocols);
    if (run % 2 == 0) {
      java.util.Collections.reverse(order);
    }
    this.protocolOrder = order;
  }

  private boolean selected(String workload) {
    return options.workloads.contains(workload);
  }

  void runAll() throws Exception {
    for (String reads : List.of("get", "list50")) {
      if (selected(reads)) {
        String payload = reads.equals("get") ? "small" : "large";
        for (int c : options.concurrency) {
          unaryReads(reads, payload, c, false);
        }
        unaryReads(reads, payload, gzipConcurrency, true);
      }
    }
    // Streams and lookups before anything creates users, so the store holds exactly the seed.
    if (selected("stream")) {
      streams();
    }
    if (selected("lookup")) {
      lookups();
    }
    if (selected("update")) {
      updates();
    }
    if (selected("create")) {
      creates();
    }
    if (selected("bulk-create")) {
      bulkCreates();
    }
  }

  private void updates() throws Exception {
    for (int c : options.concurrency) {
      for (String p : protocolOrder) {
        List<String> owned = new ArrayList<>();
        for (int i = 0; i < c; i++) {
          owned.add(env.freshUser());
        }
        if (p.equals("grpc")) {
          timed(
              cell("update", p, "ours", "unary", "small", c, false),
              env.grpc.update(owned::get),
              env.grpc.wire());
        } else if (env.restOurs) {
          timed(
              cell("update", p, "ours", "unary", "small", c, false),
              env.rest.update(owned::get),
              env.rest.wire());
        }
      }
    }
  }

  private void creates() throws Exception {
    for (int c : options.concurrency) {
      for (String p : protocolOrder) {
        if (p.equals("grpc")) {
          timed(
              cell("create", p, "ours", "unary", "small", c, false),
              env.grpc.create("g" + run + "c" + c),
              env.grpc.wire());
        } else if (env.restOurs) {
          timed(
              cell("create", p, "ours", "unary", "small", c, false),
              env.rest.create("r" + run + "c" + c),
              env.rest.wire());
          timed(
              cell("create", p, "ours", "protobuf", "small", c, false),
              env.rest.createProtobuf("rp" + run + "c" + c),
              env.rest.wire());
        }
      }
    }
  }

  private void unaryReads(String workload, String payload, int c, boolean gzip) throws Exception {
    for (String p : protocolOrder) {
      List<String> variants = new ArrayList<>(variants(p));
      if (p.equals("rest") && env.bare && !gzip) {
        variants.add("raw");
      }
      for (String variant : variants) {
        boolean bare = variant.equals("bare");
        Result.Cell cell = cell(workload, p, variant, "unary", payload, c, gzip);
        if (p.equals("grpc")) {
          timed(
              cell,
              workload.equals("get")
                  ? env.grpc.get(bare, gzip, env.hotId)
                  : env.grpc.list(bare, gzip, 50),
              env.grpc.wire());
        } else {
          timed(
              cell,
              workload.equals("get")
                  ? env.rest.get(variant, gzip, env.hotId)
                  : env.rest.list(variant, gzip, 50),
              env.rest.wire());
          if (variant.equals("ours") && !gzip) {
            // The same call with a protobuf body: separates the encoding from the transport.
            timed(
                cell(workload, p, variant, "protobuf", payload, c, false),
                workload.equals("get")
                    ? env.rest.getProtobuf(env.hotId)
                    : env.rest.listProtobuf(50),
                env.rest.wire());
          }
        }
      }
    }
  }

  private void streams() throws Exception {
    long expected = env.streamExpected;
    for (String p : protocolOrder) {
      for (String variant : variants(p)) {
        boolean bare = variant.equals("bare");
        if (p.equals("grpc")) {
          counted(
              cell("stream", p, variant, "server-stream", "small", 1, false),
              1,
              1,
              env.grpc.stream(bare, expected),
              env.grpc.wire());
        } else {
          counted(
              cell("stream", p, variant, "ndjson", "small", 1, false),
              1,
              1,
              env.rest.ndjson(bare, expected),
              env.rest.wire());
          if (!bare) {
            counted(
                cell("stream", p, variant, "paged-1000", "small", 1, false),
                1,
                1,
                env.rest.paged(1000, expected),
                env.rest.wire());
          }
        }
      }
    }
  }

  private void lookups() throws Exception {
    int n = options.lookups;
    int c = gzipConcurrency;
    for (String p : protocolOrder) {
      for (String variant : variants(p)) {
        boolean bare = variant.equals("bare");
        if (p.equals("grpc")) {
          counted(
              cell("lookup", p, variant, "bidi-stream", "small", 1, false),
              1,
              1,
              env.grpc.lookup(bare, env.ids, n),
              env.grpc.wire());
        } else {
          counted(
              cell("lookup", p, variant, "get-each", "small", c, false),
              c,
              n,
              env.rest.getEach(bare, env.ids),
              env.rest.wire());
        }
      }
    }
  }

  private void bulkCreates() throws Exception {
    int total = options.bulk;
    int batch = Math.min(options.batch, total);
    int c = gzipConcurrency;
    for (String p : protocolOrder) {
      for (String variant : variants(p)) {
        boolean bare = variant.equals("bare");
        String tag = p.charAt(0) + variant.substring(0, 1) + run;
        if (p.equals("grpc")) {
          counted(
              cell("bulk-create", p, variant, "client-stream", "small", 1, false),
              1,
              1,
              env.grpc.bulkCreate(bare, tag, total, batch),
              env.grpc.wire());
        } else {
          counted(
              cell("bulk-create", p, variant, "batch-body", "small", 1, false),
              1,
              1,
              env.rest.bulkCreate(bare, tag, total, batch, false),
              env.rest.wire());
        }
      }
      if (variants(p).contains("ours")) {
        String tag = p.charAt(0) + "e" + run;
        if (p.equals("grpc")) {
          counted(
              cell("bulk-create", p, "ours", "call-each", "small", c, false),
              c,
              options.postEach,
              env.grpc.create(tag),
              env.grpc.wire());
        } else {
          counted(
              cell("bulk-create", p, "ours", "post-each", "small", c, false),
              c,
              options.postEach,
              env.rest.create(tag),
              env.rest.wire());
        }
      }
    }
  }

  /** ours where the real endpoint exists, bare where the baseline exists (in-process only). */
  private List<String> variants(String protocol) {
    List<String> v = new ArrayList<>();
    if (protocol.equals("grpc") || env.restOurs) {
      v.add("ours");
    }
    if (env.bare) {
      v.add("bare");
    }
    return v;
  }

  private Result.Cell cell(
      String workload,
      String protocol,
      String variant,
      String mode,
      String payload,
      int c,
      boolean gzip) {
    boolean perItem =
        workload.equals("stream") || workload.equals("bulk-create") || workload.equals("lookup");
    return new Result.Cell(workload, protocol, variant, mode, payload, c, gzip, perItem);
  }

  /** Warms up (longer for the cells {@link FirstCells} picks), then measures. */
  private void timed(Result.Cell cell, Op.Factory factory, WireBytes wire) throws Exception {
    Runner r = firstCells.warmLonger(cell) ? firstCellRunner : runner;
    Measurement m = r.timed("run " + run + ": " + cell.label(), cell.concurrency(), factory, wire);
    record(cell, m);
  }

  /**
   * After a cold start (every run in the pinned mode, whose server JVM is new each run; the first
   * run otherwise), a warm-up pass of the same shape first (a tenth of the operations, at least
   * one); otherwise the JVM is warm already. Then the measured pass.
   */
  private void counted(Result.Cell cell, int c, int ops, Op.Factory factory, WireBytes wire)
      throws Exception {
    if (firstCells.coldStart()) {
      runner.counted(
          "run " + run + ": warm-up " + cell.label(),
          c,
          Math.max(1, Math.min(ops, ops / 10 + c)),
          factory,
          wire);
    }
    Measurement m = runner.counted("run " + run + ": " + cell.label(), c, ops, factory, wire);
    record(cell, m);
  }

  private void record(Result.Cell cell, Measurement m) {
    if (m.errors() > 0) {
      System.err.println(
          "errors in " + cell.label() + ": " + m.errors() + ", first: " + m.firstError());
    }
    results.add(Result.of(run, cell, m));
  }
}
