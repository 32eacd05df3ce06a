#!/usr/bin/env bash
# Per-APDU cost: the plain C SCardTransmit loop (CBaselinePCSC) next to `mynakit bench apdu`, same card, same run.
#   scripts/bench-apdu.sh [COUNT] [ROUNDS]
# Serves the virtual My Number card on reader "Virtual PCD 00 01" (port 35964), reads EF 000A of the JPKI applet with
# READ BINARY 00 B0 00 00 00 (256 bytes), alternating C and Swift ROUNDS times; prints each rate, the medians and the
# ratio Swift/C.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-3000}
rounds=${2:-5}
reader="Virtual PCD 00 01"

swift build -c release --product mynakit >/dev/null
swift build -c release --product CBaselinePCSC >/dev/null
bin=$(swift build -c release --show-bin-path)
scripts/pcscd-rig.sh start >/dev/null

"$bin/mynakit" sim --port 35964 --pki "${TMPDIR:-/tmp}/mynakit-bench-pki" 2>/dev/null &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
scripts/pcscd-rig.sh wait-card "$reader" "$bin/mynakit"

c_rates=()
swift_rates=()
for round in $(seq 1 "$rounds"); do
    c=$("$bin/CBaselinePCSC" "$reader" "$count" D392F000260100000001 000A 00 | awk '{print $1}')
    s=$("$bin/mynakit" bench apdu --reader "$reader" --count "$count" | awk '{print $1}')
    echo "round $round: C $c apdu/s, Swift $s apdu/s"
    c_rates+=("$c")
    swift_rates+=("$s")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mc=$(median "${c_rates[@]}")
ms=$(median "${swift_rates[@]}")
echo "median: C $mc apdu/s, Swift $ms apdu/s, ratio $(awk -v s="$ms" -v c="$mc" 'BEGIN {printf "%.3f", s / c}')"
