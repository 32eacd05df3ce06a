#!/usr/bin/env bash
# The ratio table of Docs/Benchmarks.md, in one run:
#   per-APDU throughput vs the C SCardTransmit loop, verification throughput vs the C OpenSSL loop,
#   APDUs per flow vs the budget and OpenSC, start-up of `mynakit readers` vs `opensc-tool -l`,
#   end-to-end `auth` at 20 ms per APDU vs OpenSC's pkcs11-tool login-and-sign.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product mynakit >/dev/null 2>&1
swift build -c release --product CBaselineOpenSSL >/dev/null 2>&1
bin=$(swift build -c release --show-bin-path)
scripts/pcscd-rig.sh start >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== per-APDU: C SCardTransmit loop vs SmartCard (scripts/bench-apdu.sh 3000 5)"
apdu=$(scripts/bench-apdu.sh 3000 5 | tee /dev/stderr | tail -n 1)

echo "== verification: C OpenSSL loop vs MynaVerify (5 rounds x 10000)"
timeout 20 "$bin/mynakit" sim --port 35964 --pki "$work/pki" >/dev/null 2>&1 &
sim=$!
for _ in $(seq 1 200); do [ -f "$work/pki/auth.pem" ] && break; sleep 0.1; done
sleep 0.5
kill "$sim" 2>/dev/null || true
head -c 32 /dev/urandom >"$work/challenge.bin"
openssl dgst -sha256 -sign "$work/pki/auth.key.pem" -out "$work/challenge.sig" "$work/challenge.bin"
args=(--cert "$work/pki/auth.pem" --roots "$work/pki/auth-root.pem" --in "$work/challenge.bin" --signature "$work/challenge.sig" --count 10000)
c=()
s=()
for round in 1 2 3 4 5; do
    c+=("$("$bin/CBaselineOpenSSL" "${args[@]}" | awk '{print $1}')")
    s+=("$("$bin/mynakit" bench verify "${args[@]}" | awk '{print $1}')")
    echo "round $round: C ${c[-1]} verify/s, Swift ${s[-1]} verify/s" >&2
done
vc=$(median "${c[@]}")
vs=$(median "${s[@]}")
# The same with the leaf parsed from its DER in every iteration (what a verification service does per request).
c=()
s=()
for round in 1 2 3 4 5; do
    c+=("$("$bin/CBaselineOpenSSL" "${args[@]}" --parse-each | awk '{print $1}')")
    s+=("$("$bin/mynakit" bench verify "${args[@]}" --parse-each | awk '{print $1}')")
    echo "round $round, parse each: C ${c[-1]} verify/s, Swift ${s[-1]} verify/s" >&2
done
pc=$(median "${c[@]}")
ps=$(median "${s[@]}")

echo "== start-up: mynakit readers vs opensc-tool -l (20 runs each)"
time_runs() {
    local start end
    start=$(date +%s%N)
    for _ in $(seq 1 20); do "$@" >/dev/null 2>&1 || true; done
    end=$(date +%s%N)
    echo $(((end - start) / 20 / 1000000))
}
ms_mynakit=$(time_runs "$bin/mynakit" readers)
ms_opensc=$(time_runs opensc-tool -l)

echo "== flows at 20 ms per APDU (scripts/bench-flows.sh 20)"
flows=$(scripts/bench-flows.sh 20 | tee /dev/stderr)
row() { echo "$flows" | grep -F "| $1 |"; }
col() { echo "$1" | awk -F'|' -v n="$2" '{gsub(/ /, "", $n); print $n}'; }
auth_row=$(row "mynakit auth (read+verify cert, sign challenge)")
p11_row=$(row "pkcs11-tool --login --sign (auth key)")
read_row=$(row "mynakit cert read --kind auth")
p15_row=$(row "pkcs15-tool --read-certificate 01")

echo
echo "| measure | MynaKit | reference | ratio | bar |"
echo "|---|---|---|---|---|"
echo "$apdu" | awk '{gsub(",", ""); printf "| per-APDU throughput (READ BINARY) | %s apdu/s | C loop %s apdu/s | %s | >= 0.95 |\n", $6, $3, $NF}'
awk -v s="$vs" -v c="$vc" 'BEGIN {printf "| chain + signature verification | %s verify/s | C OpenSSL loop %s verify/s | %.3f | >= 0.90 |\n", s, c, s / c}'
awk -v s="$ps" -v c="$pc" 'BEGIN {printf "| parse + chain + signature verification | %s verify/s | C OpenSSL loop %s verify/s | %.3f | >= 0.90 |\n", s, c, s / c}'
echo "| APDUs to read the auth certificate | $(col "$read_row" 3) | pkcs15-tool $(col "$p15_row" 3) | budget $(col "$read_row" 3) = 2 + ceil(N/256) | = budget |"
echo "| APDUs for auth vs login-and-sign | $(col "$auth_row" 3) (cert + verify + sign) | pkcs11-tool $(col "$p11_row" 3) (sign only) | | |"
awk -v a="$ms_mynakit" -v b="$ms_opensc" 'BEGIN {printf "| start-up: list readers | %d ms | opensc-tool -l %d ms | %.2f | |\n", a, b, a / b}'
echo "| end-to-end auth, 20 ms/APDU | $(col "$auth_row" 4) | pkcs11-tool $(col "$p11_row" 4) | | |"
