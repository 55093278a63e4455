#!/usr/bin/env bash
# Measures the command-line server's cold start: from launching a fresh JVM on its shaded jar until
# both protocols have answered a health check (gRPC grpc.health.v1/Check with grpc-status 0, REST
# GET /api/health with 200). Needs curl with HTTP/2. Run from the repository root after building the
# jar (mvn -B -q -pl user-server -am package -DskipTests, the README's first command):
#   benchmarks/coldstart.sh             (RUNS=5 by default; prints each run and the median)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
JAR=user-server/target/userapi-server.jar
REST_PORT=${REST_PORT:-18181}
GRPC_PORT=${GRPC_PORT:-19191}
OUT=benchmarks/target/coldstart
mkdir -p "$OUT"
[[ -f $JAR ]] || { echo "build $JAR first: mvn -B -q -pl user-server -am package -DskipTests"; exit 1; }
# An empty protobuf message in gRPC framing: no compression, length 0.
printf '\x00\x00\x00\x00\x00' >"$OUT/empty.grpc"

grpc_ok() {
  curl -s --max-time 1 --http2-prior-knowledge -X POST -H 'content-type: application/grpc' \
    -H 'te: trailers' --data-binary @"$OUT/empty.grpc" -D "$OUT/headers.txt" -o /dev/null \
    "http://127.0.0.1:$GRPC_PORT/grpc.health.v1.Health/Check" 2>/dev/null &&
    grep -qi '^grpc-status: 0' "$OUT/headers.txt"
}
rest_ok() {
  curl -sf --max-time 1 -o /dev/null "http://127.0.0.1:$REST_PORT/api/health"
}

results=()
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  java -jar "$JAR" --rest-port "$REST_PORT" --grpc-port "$GRPC_PORT" >"$OUT/server-$run.log" 2>&1 &
  server=$!
  grpc_ms=""
  rest_ms=""
  for _ in $(seq 1 3000); do
    now=$(date +%s%N)
    [[ -z $grpc_ms ]] && grpc_ok && grpc_ms=$(((now - start) / 1000000))
    [[ -z $rest_ms ]] && rest_ok && rest_ms=$(((now - start) / 1000000))
    [[ -n $grpc_ms && -n $rest_ms ]] && break
    kill -0 "$server" 2>/dev/null || { cat "$OUT/server-$run.log"; exit 1; }
    sleep 0.01
  done
  kill "$server"
  wait "$server" 2>/dev/null || true
  [[ -n $grpc_ms && -n $rest_ms ]] || { echo "run $run: no answer within 30 s"; exit 1; }
  both=$((grpc_ms > rest_ms ? grpc_ms : rest_ms))
  echo "run $run: gRPC answered after $grpc_ms ms, REST after $rest_ms ms"
  results+=("$both")
done
median=$(printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
echo "cold start, both protocols answering: median $median ms of $RUNS runs"
