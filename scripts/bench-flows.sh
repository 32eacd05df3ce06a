#!/usr/bin/env bash
# APDUs per flow and wall time per flow, MynaKit next to OpenSC, on the same virtual card.
#   scripts/bench-flows.sh [LATENCY_MS]
# Serves `mynakit sim --log-apdus --latency-ms LATENCY_MS` on reader "Virtual PCD 00 01" (port 35964) and counts the
# APDUs the card answers during each command. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
latency=${1:-20}
reader="Virtual PCD 00 01"
module=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so

swift build -c release --product mynakit >/dev/null 2>&1
bin=$(swift build -c release --show-bin-path)
scripts/pcscd-rig.sh start >/dev/null
work=$(mktemp -d)
log="$work/sim.log"
"$bin/mynakit" sim --port 35964 --pki "$work/pki" --log-apdus --latency-ms "$latency" 2>"$log" &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -rf "$work"' EXIT
scripts/pcscd-rig.sh wait-card "$reader" "$bin/mynakit"
printf 'challenge' >"$work/data"
slot=$(pkcs11-tool --module "$module" -L 2>/dev/null | awk -v r="$reader" '$0 ~ "Slot" && $0 ~ r {print $2; exit}')

measure() { # NAME COMMAND...
    local name=$1
    shift
    : >"$log"
    sleep 0.5  # let pcscd's presence polls settle (they send no APDUs, only ATR requests)
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 </dev/null || echo "warning: $name failed" >&2
    end=$(date +%s.%N)
    local count
    count=$(grep -c '^apdu ' "$log" || true)
    printf '| %s | %s | %.0f ms |\n' "$name" "$count" "$(echo "($end - $start) * 1000" | bc -l)"
}

n=$(openssl x509 -in "$work/pki/auth.pem" -outform DER | wc -c)
echo "authentication certificate: $n bytes; budget for reading it: $((2 + (n + 255) / 256)) APDUs"
echo
echo "| flow | APDUs | wall time (latency $latency ms/APDU) |"
echo "|---|---|---|"
export MYNAKIT_PIN=1234
measure "mynakit cert read --kind auth" "$bin/mynakit" cert read --kind auth --reader "$reader"
measure "pkcs15-tool --read-certificate 01" pkcs15-tool --reader 1 --read-certificate 01
measure "mynakit sign --key auth" "$bin/mynakit" sign --key auth --in "$work/data" --pin-env MYNAKIT_PIN --reader "$reader"
measure "pkcs11-tool --login --sign (auth key)" pkcs11-tool --module "$module" --slot-index "$slot" --login --pin 1234 \
    --sign --id 01 -m SHA256-RSA-PKCS -i "$work/data" -o "$work/sig"
measure "mynakit pin status (3 PINs)" "$bin/mynakit" pin status --reader "$reader"
measure "mynakit info" "$bin/mynakit" info --reader "$reader"
measure "mynakit mynumber" "$bin/mynakit" mynumber --pin-env MYNAKIT_PIN --reader "$reader"
measure "mynakit auth (read+verify cert, sign challenge)" "$bin/mynakit" auth --roots "$work/pki/auth-root.pem" \
    --pin-env MYNAKIT_PIN --reader "$reader"
