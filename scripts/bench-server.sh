#!/usr/bin/env bash
# Benchmark of the verification service (Docs/Benchmarks.md, "Verification service"), in one run:
#   - in-process: `mynakit bench verify` (chain + signature) on the virtual card's certificate;
#   - through the service: ServerLoad, a second process on loopback, issues COUNT challenges, has the in-memory
#     virtual card sign them (not timed), then posts the COUNT answers over CONCURRENCY keep-alive connections
#     (timed), against one `mynakit-server` instance on SQLite, then on PostgreSQL (a throw-away cluster on 127.0.0.1).
# Prints verifications per second, p50/p99 latency, the ratio to in-process, and the service's own mean times per
# verification and per store statement (from /metrics). Release build; bounded: COUNT requests per run.
#
# Usage: scripts/bench-server.sh [COUNT] [CONCURRENCY…]      (defaults: 4000, 1 4 16)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-4000}
shift || true
concurrency=("${@:-1 4 16}")
read -r -a concurrency <<< "${concurrency[*]}"

scratch=${MYNAKIT_BENCH_SCRATCH:-.build-release}
for product in mynakit mynakit-server ServerLoad; do
    swift build -c release --scratch-path "$scratch" --product "$product" 2>&1 | grep -E "error|warning: " | grep -v "prohibited flag\|unhandled" || true
done
bin="$scratch/release"

work=$(mktemp -d /tmp/mynakit-bench-XXXXXX)
chmod 755 "$work"
servers=()
pg_data=""
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$pg_data" ]; then as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

"$bin/ServerLoad" pki "$work/pki"
inprocess=$("$bin/mynakit" bench verify --cert "$work/pki/auth.pem" --roots "$work/pki/auth-root.pem" \
    --in "$work/pki/challenge.bin" --signature "$work/pki/challenge.sig" --count "$count" | awk '{print $1}')
echo "in-process: mynakit bench verify --count $count: $inprocess verify/s"
parsing=$("$bin/mynakit" bench verify --parse-each --cert "$work/pki/auth.pem" --roots "$work/pki/auth-root.pem" \
    --in "$work/pki/challenge.bin" --signature "$work/pki/challenge.sig" --count "$count" | awk '{print $1}')
echo "in-process: mynakit bench verify --parse-each (the certificate parsed in each iteration, as the service must): $parsing verify/s"

start_server() {  # store -> sets port; the server runs in the background
    local store=$1 log="$work/server-$RANDOM.log"
    : > "$log.out"  # exists before the background server opens it: the loop below reads it at once
    "$bin/mynakit-server" --listen 127.0.0.1:0 --store "$store" --roots "$work/pki/auth-root.pem" \
        --challenge-ttl 3600 --log-level warning > "$log.out" 2> "$log" &
    servers+=($!)
    for _ in $(seq 1 100); do
        port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$log.out")
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    echo "bench-server: the server did not start: $(cat "$log")" >&2
    exit 1
}

metric() {  # name -> value from /metrics
    curl -sf "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n {print $2}'
}

run_store() {  # label store
    local label=$1 store=$2
    "$bin/mynakit-server" key add bench --store "$store" > "$work/key" 2>/dev/null
    start_server "$store"
    for c in "${concurrency[@]}"; do
        result=$(MYNAKIT_API_KEY=$(cat "$work/key") MYNAKIT_SERVER_PID=${servers[-1]} \
            "$bin/ServerLoad" "http://127.0.0.1:$port" "$work/pki" "$count" "$c")
        python3 - "$label" "$c" "$inprocess" "$result" "$parsing" <<'PY'
import json, sys
label, c, inprocess, result = sys.argv[1], sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
parsing = float(sys.argv[5])
v, i = result["verify"], result["issue"]
print(f"{label:10} conns {c:>3}: verify {v['perSecond']:8.1f}/s (x{v['perSecond']/inprocess:.2f} of bench verify,"
      f" x{v['perSecond']/parsing:.2f} of parse+verify)"
      f"  p50 {v['p50Milliseconds']:6.2f} ms  p99 {v['p99Milliseconds']:6.2f} ms"
      f" | issue {i['perSecond']:8.1f}/s  p50 {i['p50Milliseconds']:6.2f} ms  p99 {i['p99Milliseconds']:6.2f} ms"
      f" | valid {result['valid']}/{v['count']}"
      f" | CPU per verification: service {result.get('serverCPUMillisecondsPerVerification') or 0:.3f} ms,"
      f" client {result['clientCPUMillisecondsPerVerification']:.3f} ms, in-process {1e3/inprocess:.3f} ms"
      f" ({1e3/parsing:.3f} ms parsing each time)")
PY
    done
    vs=$(metric mynakit_verification_duration_seconds_sum); vc=$(metric mynakit_verification_duration_seconds_count)
    ss=$(metric mynakit_store_duration_seconds_sum); sc=$(metric mynakit_store_duration_seconds_count)
    python3 -c "print(f'{\"$label\":10} service-side means: verification {1e3*$vs/$vc:.3f} ms, store statement {1e3*$ss/$sc:.3f} ms ($sc statements)')"
}

run_store sqlite "sqlite:$work/state.sqlite"

pg_bin=${MYNAKIT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -x "$pg_bin/initdb" ]; then
    mkdir -p "$work/pg"
    [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
    pg_data="$work/pg/data"
    as_pg "$pg_bin/initdb" -D "$pg_data" -U mynakit --auth=trust --no-sync >/dev/null
    pg_port=$((20000 + RANDOM % 30000))
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg/log" -w \
        -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    run_store postgres "postgres://mynakit@127.0.0.1:$pg_port/postgres"
else
    echo "bench-server: no PostgreSQL (apt-get install postgresql); PostgreSQL rows skipped" >&2
fi
