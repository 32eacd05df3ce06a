#!/usr/bin/env bash
# Document signing cost: a large file signed as a detached CMS through the virtual card (time and peak memory),
# next to `openssl cms -sign` with a software RSA-2048 key over the same file, and the two verifications.
#   scripts/bench-document.sh [SIZE_MB] [RUNS]
# Serves `mynakit sim` on reader "Virtual PCD 00 01" (port 35964; MYNAKIT_BENCH_READER_INDEX=0 for "Virtual PCD 00 00",
# port 35963). Prints a Markdown table (best time, peak RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100}
runs=${2:-3}
index=${MYNAKIT_BENCH_READER_INDEX:-1}
reader="Virtual PCD 00 0$index"
port=$((35963 + index))

swift build -c release --product mynakit >/dev/null 2>&1
bin=$(swift build -c release --show-bin-path)
scripts/pcscd-rig.sh start >/dev/null
work=$(mktemp -d)
"$bin/mynakit" sim --port "$port" --pki "$work/pki" 2>"$work/sim.log" &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -rf "$work"' EXIT
scripts/pcscd-rig.sh wait-card "$reader" "$bin/mynakit"
head -c "$((size * 1024 * 1024))" /dev/urandom >"$work/big.bin"
export MYNAKIT_BENCH_PASSWORD=abc123

best() { # NAME COMMAND... : the fastest of $runs runs and the largest peak RSS
    local name=$1 time_best="" rss_max=0
    shift
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        /usr/bin/time -f "%M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
        end=$(date +%s%N)
        seconds=$(echo "($end - $start) / 1000000000" | bc -l)
        read -r kilobytes <"$work/time"
        if [ -z "$time_best" ] || [ "$(echo "$seconds < $time_best" | bc -l)" = 1 ]; then time_best=$seconds; fi
        if [ "$kilobytes" -gt "$rss_max" ]; then rss_max=$kilobytes; fi
    done
    printf '| %s | %.3f s | %d MiB |\n' "$name" "$time_best" "$((rss_max / 1024))"
    echo "$time_best" >"$work/$(echo "$name" | tr -c 'a-z0-9' '_')"
}

echo "file: $size MiB of random bytes; $runs runs each"
echo
echo "| command | best time | peak RSS |"
echo "|---|---|---|"
best "mynakit document sign (card, detached CMS)" \
    "$bin/mynakit" document sign "$work/big.bin" --out "$work/mynakit.p7s" --pin-env MYNAKIT_BENCH_PASSWORD \
    --reader "$reader"
best "openssl cms -sign (software key)" \
    openssl cms -sign -binary -nosmimecap -md sha256 -in "$work/big.bin" -signer "$work/pki/sign.pem" \
    -inkey "$work/pki/sign.key.pem" -outform DER -out "$work/openssl.p7s"
best "mynakit document verify" \
    "$bin/mynakit" document verify "$work/mynakit.p7s" --content "$work/big.bin" --roots "$work/pki/sign-root.pem"
best "openssl cms -verify" \
    openssl cms -verify -binary -inform DER -in "$work/openssl.p7s" -content "$work/big.bin" \
    -CAfile "$work/pki/sign-root.pem" -purpose any -out /dev/null
best "sha256sum (the hashing alone)" sha256sum "$work/big.bin"
