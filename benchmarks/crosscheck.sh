#!/usr/bin/env bash
# Cross-checks the benchmark with load generators that are not ours: wrk for REST, h2load for gRPC
# unary GetUser, both against the same in-process servers that the benchmark uses (one UserServer
# serving ours and the bare baselines, and the raw Grizzly floor on a listener of its own), each
# warmed up for WARMUP seconds (20) first. Needs the Debian packages wrk and nghttp2-client.
# Run from the repository root (it builds benchmarks/target/userapi-benchmark.jar first):
#   benchmarks/crosscheck.sh            (DURATION=10 CONNECTIONS=64 WARMUP=20 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
OUT=benchmarks/target/crosscheck
mkdir -p "$OUT"

mvn -B -q -pl benchmarks -am -DskipTests -Djacoco.skip=true package
java -Xms1g -Xmx1g -XX:+UseParallelGC -jar benchmarks/target/userapi-benchmark.jar \
  --serve --users 10000 --out "$OUT" >"$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q '^SERVING' "$OUT/serve.log" && break
  sleep 0.1
done
line=$(grep '^SERVING' "$OUT/serve.log") || { cat "$OUT/serve.log"; exit 1; }
grpc=$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$line")
rest=$(sed -E 's/.*rest=([^ ]+).*/\1/' <<<"$line")
raw=$(sed -E 's/.*raw=([^ ]+).*/\1/' <<<"$line")
hot=$(sed -E 's/.*hot=([^ ]+).*/\1/' <<<"$line")
body=$(sed -E 's/.*grpcBody=([^ ]+).*/\1/' <<<"$line")
echo "servers: gRPC $grpc, REST $rest, raw Grizzly floor $raw, user $hot"

restApi=$(curl -s -o /dev/null -w '%{http_code}' "$rest/api/users/$hot" || true)
for url in "$rest/api/users/$hot" "$rest/api/users/bare-$hot" "$raw/raw/users/$hot"; do
  if [[ $url == "$rest/api/"* && $restApi != 200 ]]; then
    echo "== wrk $url: skipped (HTTP $restApi)"
    continue
  fi
  # Jersey and Jackson need tens of seconds of load before C2 has compiled them (see BENCHMARKS.md).
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP:-20}s" "$url" >/dev/null # warm-up
  echo "== wrk -t1 -c$CONNECTIONS -d${DURATION}s $url"
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'
done

streams=$((CONNECTIONS / 4))
for method in userapi.v1.UserService/GetUser bench.Bare/Get; do
  h2load -t1 -c4 -m"$streams" -D"${WARMUP:-20}" -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://$grpc/$method" >/dev/null # warm-up
  echo "== h2load -c4 -m$streams -D$DURATION POST http://$grpc/$method"
  h2load -t1 -c4 -m"$streams" -D"$DURATION" -d "$body" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://$grpc/$method" | grep -E 'finished in|requests:|status codes|time for request'
  echo -n "   grpc-status of one call: "
  nghttp -v -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' "http://$grpc/$method" \
    | grep -ao 'grpc-status: [0-9]*' | head -1
done
