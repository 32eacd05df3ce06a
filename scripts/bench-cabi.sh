#!/usr/bin/env bash
# The C interface's per-call overhead against the Swift API, as ratios in one run (Docs/Benchmarks.md, "C ABI"):
#   mynakit_pin_tries          vs a transaction with MyNumberCard.jpki.pinStatus (through pcscd and the virtual card)
#   mynakit_verify_signature   vs Certificate(bytes:) + SignatureVerifier.isValidSignature
# The C side (Tests/CABI/cabi_bench.c) runs against libmynakit as `make lib` builds it and scripts/install-lib.sh
# installs it; the Swift side (Sources/CABIBaselineSwift) is built with the same flags in the same scratch path, so
# both run the same compiled modules. The two run back to back in each round (which one goes first alternates), so
# each round's ratio compares them under the same load on a shared machine; the table gives the median time of each
# side and the median of the rounds' ratios. Ratio = C interface time per call / Swift time per call (goal: ≤ 1.05).
#
#   scripts/bench-cabi.sh [ROUNDS [PIN-COUNT [VERIFY-COUNT]]]      defaults: 31 rounds, 1000 and 4000 calls
# The virtual card is served on "Virtual PCD 00 01" (port 35964), like scripts/bench-apdu.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-31}
pins=${2:-1000}
verifies=${3:-4000}
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
# field FIELD KEY OUTPUT: the FIELDth number on the line KEY (2: wall clock, 3: CPU time).
field() { awk -v key="$2" -v n="$1" '$1 == key {print $n}' <<<"$3"; }
ratio() { awk -v c="$1" -v s="$2" 'BEGIN {printf "%.4f", c / s}'; }
declare -A c s r
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then
        c_out=$(run_c)
        s_out=$(run_swift)
    else
        s_out=$(run_swift)
        c_out=$(run_c)
    fi
    line="round $round:"
    for key in pin_tries verify_signature; do
        for n in 2 3; do
            cv=$(field "$n" "$key" "$c_out") sv=$(field "$n" "$key" "$s_out")
            c[$key.$n]+=" $cv" s[$key.$n]+=" $sv" r[$key.$n]+=" $(ratio "$cv" "$sv")"
        done
        line+=" $key C $(field 2 "$key" "$c_out")/$(field 3 "$key" "$c_out") ns, Swift"
        line+=" $(field 2 "$key" "$s_out")/$(field 3 "$key" "$s_out") ns (wall/CPU);"
    done
    echo "$line" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() { # what key field count
    # shellcheck disable=SC2086 # the lists are space-separated numbers
    awk -v what="$1" -v c="$(median ${c[$2.$3]})" -v s="$(median ${s[$2.$3]})" -v ratio="$(median ${r[$2.$3]})" \
        -v n="$4" -v r="$rounds" 'BEGIN {
        printf "| %s (%d rounds × %d) | %.1f µs/call | %.1f µs/call | %.3f | ≤ 1.05 |\n", what, r, n, c / 1000,
            s / 1000, ratio }'
}
echo
echo "| measure | C interface (median) | Swift API (median) | ratio C/Swift (median of rounds) | goal |"
echo "|---|---|---|---|---|"
row "mynakit_pin_tries vs pinStatus in a transaction, wall clock" pin_tries 2 "$pins"
row "mynakit_pin_tries vs pinStatus in a transaction, CPU time" pin_tries 3 "$pins"
row "mynakit_verify_signature vs Certificate + SignatureVerifier, wall clock" verify_signature 2 "$verifies"
row "mynakit_verify_signature vs Certificate + SignatureVerifier, CPU time" verify_signature 3 "$verifies"
