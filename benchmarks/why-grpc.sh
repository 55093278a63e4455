#!/usr/bin/env bash
# Is gRPC faster because of HTTP/2 or because of protobuf? One load generator (h2load) for every
# combination, against the servers the benchmark's pinned mode measures (one UserServer with
# HTTP/2 and the web protocols on its REST port, in a JVM pinned to SERVER_CPUS=0; h2load pinned to
# CLIENT_CPUS=1): REST {HTTP/1.1 (h2load --h1), HTTP/2 (h2c, prior knowledge)} x {JSON, protobuf},
# native gRPC, and gRPC-Web (binary) and Connect (JSON) over HTTP/1.1 on the REST port, for get
# (one user), list50 (a page of 50) and stream (all 10,000 users of the store in one call). Each
# line: requests/s, the server JVM's CPU per call (/proc, 10 ms ticks) and h2load's bytes per call
# (headers + body as received, and total received with framing). Alternates the cells over ROUNDS
# rounds (3), order flipped every round.
# create is not here: h2load repeats one body, and every create after the first would be a 409.
# Needs nghttp2-client (h2load) and taskset. Run from the repository root:
#   benchmarks/why-grpc.sh      (DURATION=10 WARMUP=10 ROUNDS=3 CONNECTIONS=16 STREAMS=4 ONLY=regex)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}
STREAMS=${STREAMS:-4}
SERVER_CPUS=${SERVER_CPUS:-0}
CLIENT_CPUS=${CLIENT_CPUS:-1}
OUT=benchmarks/target/why-grpc
mkdir -p "$OUT"

# shellcheck source=benchmarks/pinned-server.sh
source benchmarks/pinned-server.sh
start_pinned_server "$OUT"
getBody=$grpcBody
listBody=$(dirname "$getBody")/list-users-request.bin
getJson=$OUT/get-user-request.json
listJson=$OUT/list-users-request.json
printf '{"id":"%s"}' "$hot" >"$getJson"
printf '{"pageSize":50}' >"$listJson"
# stream: every user of the store (10,000) in one call. An empty StreamUsersRequest, framed for
# gRPC and gRPC-Web (flags, length 0), and enveloped as Connect streaming JSON ("{}").
streamBody=$OUT/stream-users-request.bin
streamJson=$OUT/stream-users-request.connect-json
printf '\x00\x00\x00\x00\x00' >"$streamBody"
printf '\x00\x00\x00\x00\x02{}' >"$streamJson"
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
load() { cut -d' ' -f1 /proc/loadavg; }

# name | h2load arguments
cells=(
  "get  REST HTTP/1.1 JSON|--h1 -H accept:application/json $rest/api/users/$hot"
  "get  REST HTTP/1.1 protobuf|--h1 -H accept:application/x-protobuf $rest/api/users/$hot"
  "get  REST HTTP/2 JSON|-H accept:application/json $rest/api/users/$hot"
  "get  REST HTTP/2 protobuf|-H accept:application/x-protobuf $rest/api/users/$hot"
  "get  gRPC (HTTP/2, protobuf)|-d $getBody -H content-type:application/grpc -H te:trailers http://$grpc/userapi.v1.UserService/GetUser"
  "get  gRPC-Web HTTP/1.1|--h1 -d $getBody -H content-type:application/grpc-web+proto $rest/userapi.v1.UserService/GetUser"
  "get  Connect HTTP/1.1 JSON|--h1 -d $getJson -H content-type:application/json $rest/userapi.v1.UserService/GetUser"
  "list50 REST HTTP/1.1 JSON|--h1 -H accept:application/json $rest/api/users?pageSize=50"
  "list50 REST HTTP/1.1 protobuf|--h1 -H accept:application/x-protobuf $rest/api/users?pageSize=50"
  "list50 REST HTTP/2 JSON|-H accept:application/json $rest/api/users?pageSize=50"
  "list50 REST HTTP/2 protobuf|-H accept:application/x-protobuf $rest/api/users?pageSize=50"
  "list50 gRPC (HTTP/2, protobuf)|-d $listBody -H content-type:application/grpc -H te:trailers http://$grpc/userapi.v1.UserService/ListUsers"
  "list50 gRPC-Web HTTP/1.1|--h1 -d $listBody -H content-type:application/grpc-web+proto $rest/userapi.v1.UserService/ListUsers"
  "list50 Connect HTTP/1.1 JSON|--h1 -d $listJson -H content-type:application/json $rest/userapi.v1.UserService/ListUsers"
  "stream REST HTTP/1.1 NDJSON|--h1 -H accept:application/x-ndjson $rest/api/users:stream"
  "stream REST HTTP/2 NDJSON|-H accept:application/x-ndjson $rest/api/users:stream"
  "stream REST HTTP/2 protobuf|-H accept:application/x-protobuf $rest/api/users:stream"
  "stream gRPC (HTTP/2, protobuf)|-d $streamBody -H content-type:application/grpc -H te:trailers http://$grpc/userapi.v1.UserService/StreamUsers"
  "stream gRPC-Web HTTP/1.1|--h1 -d $streamBody -H content-type:application/grpc-web+proto $rest/userapi.v1.UserService/StreamUsers"
  "stream Connect HTTP/1.1 JSON|--h1 -d $streamJson -H content-type:application/connect+json $rest/userapi.v1.UserService/StreamUsers"
)
if [ -n "${ONLY:-}" ]; then # ONLY=stream: just the cells whose name matches (grep -E)
  kept=()
  for cell in "${cells[@]}"; do
    if grep -qE "$ONLY" <<<"${cell%%|*}"; then kept+=("$cell"); fi
  done
  cells=("${kept[@]}")
fi
run() { # duration args...
  local duration=$1
  shift
  # h2load --h1 has been seen to wait forever for one connection after the duration: bound it,
  # and keep what it printed (a cut-short cell shows as such in its request count).
  timeout $((duration + 20)) taskset -c "$CLIENT_CPUS" \
    h2load -t1 -c"$CONNECTIONS" -m"$STREAMS" -D"$duration" "$@" || true
}
for cell in "${cells[@]}"; do
  read -r -a args <<<"${cell#*|}"
  run "$WARMUP" "${args[@]}" >/dev/null # warm-up
done
echo "== h2load -t1 -c$CONNECTIONS -m$STREAMS -D$DURATION (HTTP/1.1: one request at a time per connection)"
for round in $(seq 1 "$ROUNDS"); do
  order=("${cells[@]}")
  if ((round % 2 == 0)); then
    order=()
    for ((i = ${#cells[@]} - 1; i >= 0; i--)); do order+=("${cells[$i]}"); done
  fi
  for cell in "${order[@]}"; do
    name=${cell%%|*}
    read -r -a args <<<"${cell#*|}"
    before=$(cpu)
    out=$(run "$DURATION" "${args[@]}")
    after=$(cpu)
    done=$(awk '/^requests:/ { print $8 }' <<<"$out")
    rps=$(awk '/finished in/ { print $4 }' <<<"$out")
    codes=$(awk '/^status codes:/ { print $3 }' <<<"$out")
    # traffic: 12.34MB (12939264) total, 1.23MB (...) headers (space savings ...), 10MB (...) data
    total=$(grep -oE '^traffic: [^(]*\(([0-9]+)\) total' <<<"$out" | grep -oE '\([0-9]+\)' | tr -d '()')
    headers=$(grep -oE 'total, [^(]*\(([0-9]+)\) headers' <<<"$out" | grep -oE '\([0-9]+\)' | tr -d '()')
    data=$(grep -oE '[^(]*\(([0-9]+)\) data' <<<"$out" | grep -oE '\([0-9]+\)' | tr -d '()')
    awk -v r="$round" -v name="$name" -v rps="$rps" -v ok="$codes" -v n="$done" -v a="$before" -v b="$after" \
      -v t="$ticks" -v tot="$total" -v h="$headers" -v d="$data" -v load="$(load)" 'BEGIN {
        printf "round %d  %-32s %10s req/s  2xx %-8s  server CPU %6.1f µs/call  received %6.0f B/call (headers %5.0f, body %6.0f)  load %s\n",
          r, name, rps, ok, (n > 0 ? (b - a) * 1e6 / t / n : -1), (n > 0 ? tot / n : -1), (n > 0 ? h / n : -1), (n > 0 ? d / n : -1), load }'
  done
done
