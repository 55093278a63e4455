#!/usr/bin/env bash
# Cross-checks the benchmark with load generators that are not ours: wrk for REST, h2load for gRPC
# unary GetUser, against the servers the benchmark's pinned mode measures (one UserServer serving
# ours and the bare baselines, and the raw Grizzly floor on a listener of its own), in a JVM pinned
# to SERVER_CPUS (0) while wrk and h2load run pinned to CLIENT_CPUS (1). Each endpoint is warmed up
# for WARMUP seconds (20) first; ours and the baseline then alternate for ROUNDS rounds (3), each
# line with the server JVM's CPU per request (from /proc, 10 ms ticks) and the load average.
# Needs the Debian packages wrk and nghttp2-client, and taskset (util-linux).
# Run from the repository root (it builds benchmarks/target/userapi-benchmark.jar first):
#   benchmarks/crosscheck.sh            (DURATION=10 CONNECTIONS=64 WARMUP=20 ROUNDS=3 by default)
#   PARTS=grpc benchmarks/crosscheck.sh (only the gRPC part; PARTS=rest only the REST part)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-3}
PARTS=${PARTS:-rest grpc}
SERVER_CPUS=${SERVER_CPUS:-0}
CLIENT_CPUS=${CLIENT_CPUS:-1}
OUT=benchmarks/target/crosscheck
mkdir -p "$OUT"

# shellcheck source=benchmarks/pinned-server.sh
source benchmarks/pinned-server.sh
start_pinned_server "$OUT"
body=$grpcBody
echo "servers: gRPC $grpc, REST $rest, raw Grizzly floor $raw, user $hot"

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
# Prints the server CPU per request (µs) over a load command whose output gives the request count.
per_request() { # cpu_before cpu_after requests
  awk -v a="$1" -v b="$2" -v n="$3" -v t="$ticks" 'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1e6 / t / n; else print "-" }'
}
load() { cut -d' ' -f1 /proc/loadavg; }

restApi=$(curl -s -o /dev/null -w '%{http_code}' "$rest/api/users/$hot" || true)
if [[ $restApi != 200 ]]; then
  echo "REST API answers HTTP $restApi; stopping" >&2
  exit 1
fi
if [[ " $PARTS " == *" rest "* ]]; then
  urls=("$rest/api/users/$hot" "$rest/api/users/bare-$hot" "$raw/raw/users/$hot")
  for url in "${urls[@]}"; do
    # Jersey and Jackson need tens of seconds of load before C2 has compiled them (see BENCHMARKS.md).
    taskset -c "$CLIENT_CPUS" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP:-20}s" "$url" >/dev/null # warm-up
  done
  echo "== wrk -t1 -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, order flipped every round"
  for round in $(seq 1 "$ROUNDS"); do
    order=("${urls[@]}")
    if ((round % 2 == 0)); then order=("${urls[2]}" "${urls[1]}" "${urls[0]}"); fi
    for url in "${order[@]}"; do
      before=$(cpu)
      out=$(taskset -c "$CLIENT_CPUS" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url")
      after=$(cpu)
      n=$(awk '/requests in/ { print $1 }' <<<"$out")
      rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
      p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
      non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
      printf 'round %d  %-60s %10s req/s  p50 %-8s  server CPU %6s µs/req  non-2xx %s  load %s\n' \
        "$round" "$url" "$rps" "$p50" "$(per_request "$before" "$after" "$n")" "${non2xx:-0}" "$(load)"
    done
  done
fi

streams=$((CONNECTIONS >= 4 ? CONNECTIONS / 4 : 1)) # h2load's 4 connections; at least one stream each
h2() { # method duration
  taskset -c "$CLIENT_CPUS" h2load -t1 -c4 -m"$streams" -D"$2" -d "$body" \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://$grpc/$1"
}
if [[ " $PARTS " == *" grpc "* ]]; then
  # Ours; bare grpc-java with protobuf marshallers (what generated code does: parse the request,
  # encode a User, the same message every call); the byte-array floor (no protobuf at all).
  methods=(userapi.v1.UserService/GetUser bench.BareProto/GetUser bench.Bare/Get)
  for method in "${methods[@]}"; do
    h2 "$method" "${WARMUP:-20}" >/dev/null # warm-up
    echo -n "   grpc-status of one call to $method: "
    nghttp -v -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' "http://$grpc/$method" \
      | grep -ao 'grpc-status: [0-9]*' | head -1
  done
  echo "== h2load -c4 -m$streams -D$DURATION, $ROUNDS rounds, order flipped every round"
  for round in $(seq 1 "$ROUNDS"); do
    order=("${methods[@]}")
    if ((round % 2 == 0)); then order=("${methods[2]}" "${methods[1]}" "${methods[0]}"); fi
    for method in "${order[@]}"; do
      before=$(cpu)
      out=$(h2 "$method" "$DURATION")
      after=$(cpu)
      n=$(awk '/^requests:/ { print $8 }' <<<"$out")
      rps=$(awk '/finished in/ { print $4 }' <<<"$out")
      mean=$(awk '/time for request:/ { print $6 }' <<<"$out")
      printf 'round %d  %-40s %10s req/s  mean %-8s  server CPU %6s µs/call  load %s\n' \
        "$round" "$method" "$rps" "$mean" "$(per_request "$before" "$after" "$n")" "$(load)"
    done
  done
fi
