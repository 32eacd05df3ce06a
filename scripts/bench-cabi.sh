#!/usr/bin/env bash
# The C interface's per-call overhead against the Swift API, as ratios in one run (Docs/Benchmarks.md, "C ABI"):
#   mynakit_pin_tries          vs a transaction with MyNumberCard.jpki.pinStatus (through pcscd and the virtual card)
#   mynakit_verify_signature   vs Certificate(bytes:) + SignatureVerifier.isValidSignature
# The C side (Tests/CABI/cabi_bench.c) runs against libmynakit as `make lib` builds it and scripts/install-lib.sh
# installs it; the Swift side (Sources/CABIBaselineSwift) is built with the same flags in the same scratch path, so
# both run the same compiled modules. The two alternate within each round (which one goes first alternates too);
# the medians are compared. Ratio = C interface time per call / Swift time per call (goal: at most 1.05).
#
#   scripts/bench-cabi.sh [ROUNDS [PIN-COUNT [VERIFY-COUNT]]]      defaults: 7 rounds, 2000 and 20000 calls
# The virtual card is served on "Virtual PCD 00 01" (port 35964), like scripts/bench-apdu.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
pins=${2:-2000}
verifies=${3:-20000}
reader="Virtual PCD 00 01"

make lib >/dev/null 2>&1
flags=(-c release --scratch-path .build-lib -Xswiftc -static-stdlib --disable-local-rpath)
swift build "${flags[@]}" --product CABIBaselineSwift >/dev/null 2>&1
swift build --product mynakit >/dev/null 2>&1  # the virtual card (`mynakit sim`)
swift_bench="$(swift build "${flags[@]}" --show-bin-path)/CABIBaselineSwift"
mynakit="$(swift build --show-bin-path)/mynakit"

work=$(mktemp -d)
sim=
cleanup() {
    [ -z "$sim" ] || kill "$sim" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
scripts/install-lib.sh .build/mynakit-install/libmynakit.so.1.0 --prefix "$work/prefix" >/dev/null
export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig LD_LIBRARY_PATH=$work/prefix/lib
# shellcheck disable=SC2046 # pkg-config's words are separate arguments
cc -O2 -Wall -Wextra -Werror Tests/CABI/cabi_bench.c $(pkg-config --cflags --libs mynakit) -o "$work/cabi_bench"

scripts/pcscd-rig.sh start >/dev/null
# The rig's readers are shared: wait (up to 60 s) until no other card is in this one.
occupied() { "$mynakit" readers 2>/dev/null | grep -A1 -F ": $reader" | grep -q "Card inserted"; }
for _ in $(seq 1 600); do occupied || break; sleep 0.1; done
! occupied || { echo "bench-cabi: another card stays in $reader; try again later" >&2; exit 1; }
"$mynakit" sim --port 35964 --pki "$work/pki" >/dev/null 2>&1 &
sim=$!
for _ in $(seq 1 200); do [ -f "$work/pki/auth.key.pem" ] && break; sleep 0.1; done
scripts/pcscd-rig.sh wait-card "$reader" "$mynakit"
openssl x509 -in "$work/pki/auth.pem" -outform DER -out "$work/auth.der"
head -c 32 /dev/urandom >"$work/challenge.bin"
openssl dgst -sha256 -sign "$work/pki/auth.key.pem" -out "$work/challenge.sig" "$work/challenge.bin"

run_c() { "$work/cabi_bench" "$reader" "$work" "$pins" "$verifies"; }
run_swift() { "$swift_bench" "$reader" "$work" "$pins" "$verifies"; }
value() { awk -v key="$1" '$1 == key {print $2}' <<<"$2"; }
c_pin=() c_verify=() s_pin=() s_verify=()
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then
        c=$(run_c)
        s=$(run_swift)
    else
        s=$(run_swift)
        c=$(run_c)
    fi
    c_pin+=("$(value pin_tries "$c")") c_verify+=("$(value verify_signature "$c")")
    s_pin+=("$(value pin_tries "$s")") s_verify+=("$(value verify_signature "$s")")
    echo "round $round: pin_tries C ${c_pin[-1]} ns, Swift ${s_pin[-1]} ns;" \
        "verify_signature C ${c_verify[-1]} ns, Swift ${s_verify[-1]} ns" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() {
    awk -v what="$1" -v c="$2" -v s="$3" -v n="$4" -v r="$rounds" 'BEGIN {
        printf "| %s (median of %d × %d) | %.1f µs/call | %.1f µs/call | %.3f | ≤ 1.05 |\n", what, r, n, c / 1000,
            s / 1000, c / s }'
}
echo
echo "| measure | C interface | Swift API | ratio C/Swift | goal |"
echo "|---|---|---|---|---|"
row "mynakit_pin_tries vs pinStatus in a transaction" "$(median "${c_pin[@]}")" "$(median "${s_pin[@]}")" "$pins"
row "mynakit_verify_signature vs Certificate + SignatureVerifier" "$(median "${c_verify[@]}")" \
    "$(median "${s_verify[@]}")" "$verifies"
