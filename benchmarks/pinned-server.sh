# Sourced by crosscheck.sh and why-grpc.sh: builds the benchmark jar and starts its servers
# (`--serve`: one UserServer with ours and the bare baselines, and the raw Grizzly floor) in a JVM
# pinned to SERVER_CPUS, stopped when the calling script exits. Sets SERVER (its pid) and, from its
# SERVING line, grpc, rest, raw, hot (a user id) and grpcBody (a framed GetUserRequest).
# Usage: start_pinned_server <output folder>
start_pinned_server() {
  local out=$1 line
  mvn -B -q -pl benchmarks -am -DskipTests -Djacoco.skip=true package
  taskset -c "$SERVER_CPUS" java -Xms1g -Xmx1g -XX:+UseParallelGC \
    -jar benchmarks/target/userapi-benchmark.jar --serve --users 10000 --out "$out" \
    >"$out/serve.log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    grep -q '^SERVING' "$out/serve.log" && break
    sleep 0.1
  done
  line=$(grep '^SERVING' "$out/serve.log") || { cat "$out/serve.log"; exit 1; }
  grpc=$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$line")
  rest=$(sed -E 's/.*rest=([^ ]+).*/\1/' <<<"$line")
  raw=$(sed -E 's/.*raw=([^ ]+).*/\1/' <<<"$line")
  hot=$(sed -E 's/.*hot=([^ ]+).*/\1/' <<<"$line")
  grpcBody=$(sed -E 's/.*grpcBody=([^ ]+).*/\1/' <<<"$line")
}
