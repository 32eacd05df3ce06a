#!/usr/bin/env bash
# Revocation lists at scale (Docs/Benchmarks.md, "Revocation lists"), in one run:
#   scripts/bench-crl.sh [ROUNDS] [LOOKUPS] [SIZES…]
# For each size (default 10000 100000 1000000 entries) the same signed DER CRL (made once by `mynakit bench crl`,
# entries in revocation order) is loaded by `openssl crl -noout` (parse only), by the C baseline (CBaselineCRL: read,
# d2i_X509_CRL, first X509_CRL_get0_by_serial, which sorts) on its main thread and on a second thread (`--thread`:
# where a Swift program's async code, and a server's work, runs, with glibc's per-thread malloc arena), and by
# MynaVerify through `mynakit bench crl` (RevocationListCache: read, parse, index); then LOOKUPS lookups (half listed)
# run in C and in Swift. The programs alternate, ROUNDS times per size; the table shows medians. A second table: a chain verification with the list
# (CertificateVerifier: the chain, then the leaf against the list with the signature verdict remembered) against the
# leaf checked alone (RevocationList.revocationFailures). Memory: one more run per program on the largest
# size, resident growth while loading and peak RSS (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
lookups=${2:-1000000}
shift $(($# < 2 ? $# : 2))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)

swift build -c release --product mynakit >/dev/null 2>&1
swift build -c release --product CBaselineCRL >/dev/null 2>&1
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ms() { echo $(($(date +%s%N) / 1000)) | awk '{printf "%.1f", $1 / 1000}'; }

"$bin/mynakit" bench crl --directory "$work" --sizes "${sizes[@]}" --lookups 2 >/dev/null

rows=()
checks=()
for size in "${sizes[@]}"; do
    crl="$work/crl-$size.der"
    o=() cl=() cp=() cs=() cq=() ct=() sl=() sq=() sv=() sc=()
    for round in $(seq 1 "$rounds"); do
        start=$(now_ms)
        openssl crl -inform DER -in "$crl" -noout
        o+=("$(awk -v a="$start" -v b="$(now_ms)" 'BEGIN {printf "%.1f", b - a}')")
        c=$("$bin/CBaselineCRL" --crl "$crl" --entries "$size" --lookups "$lookups")
        cp+=("$(echo "$c" | sed -E 's/.*parse ([0-9.]+) ms.*/\1/')")
        cs+=("$(echo "$c" | sed -E 's/.*sort ([0-9.]+) ms.*/\1/')")
        cl+=("$(echo "$c" | sed -E 's/.*load ([0-9.]+) ms.*/\1/')")
        cq+=("$(echo "$c" | sed -E 's/.* ([0-9.]+) lookup\/s.*/\1/')")
        ct+=("$("$bin/CBaselineCRL" --crl "$crl" --entries "$size" --lookups 2 --thread | sed -E 's/.*load ([0-9.]+) ms.*/\1/')")
        s=$("$bin/mynakit" bench crl --directory "$work" --sizes "$size" --lookups "$lookups" --json)
        sl+=("$(echo "$s" | jq '.lists[0].loadMilliseconds')")
        sq+=("$(echo "$s" | jq '.lists[0].lookupsPerSecond')")
        sv+=("$(echo "$s" | jq '.lists[0].verifyMilliseconds')")
        sc+=("$(echo "$s" | jq '.lists[0].checkMicroseconds')")
        echo "$size round $round: openssl ${o[-1]} ms; C parse ${cp[-1]} + sort ${cs[-1]} = ${cl[-1]} ms (thread ${ct[-1]} ms), ${cq[-1]} lookup/s; Swift load ${sl[-1]} ms, ${sq[-1]} lookup/s" >&2
    done
    rows+=("$(awk -v n="$size" -v mb="$(stat -c %s "$crl")" -v o="$(median "${o[@]}")" -v cp="$(median "${cp[@]}")" \
        -v cs="$(median "${cs[@]}")" -v cl="$(median "${cl[@]}")" -v ct="$(median "${ct[@]}")" \
        -v sl="$(median "${sl[@]}")" -v cq="$(median "${cq[@]}")" -v sq="$(median "${sq[@]}")" 'BEGIN {
        printf "| %d | %.1f MB | %.0f ms | %.0f + %.0f = %.0f ms | %.0f ms | %.0f ms | %.2f | %.2f | %.0f | %.0f | %.2f |\n",
            n, mb / 1e6, o, cp, cs, cl, ct, sl, sl / o, sl / ct, cq, sq, sq / cq }')")
    checks+=("$(awk -v n="$size" -v v="$(median "${sv[@]}")" -v c="$(median "${sc[@]}")" 'BEGIN {
        printf "| %d | %.2f ms | %.1f µs | %.0f |\n", n, v, c, v * 1000 / c }')")
done

largest=${sizes[-1]}
crl="$work/crl-$largest.der"
mem_swift=$( { /usr/bin/time -f "%M" "$bin/mynakit" bench crl --directory "$work" --sizes "$largest" --lookups 2 --json >"$work/mem.json"; } 2>&1 | tail -n 1)
mem_c=$( { /usr/bin/time -f "%M" "$bin/CBaselineCRL" --crl "$crl" --entries "$largest" --lookups 2 >"$work/mem.txt"; } 2>&1 | tail -n 1)
mem_openssl=$( { /usr/bin/time -f "%M" openssl crl -inform DER -in "$crl" -noout; } 2>&1 | tail -n 1)

echo
echo "| entries | DER | openssl crl -noout | C load (parse + sort) | C load, thread | MynaVerify load | load / openssl | load / C thread | C lookup/s | MynaVerify lookup/s | lookups / C |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "| entries | verify with the list (CertificateVerifier) | leaf check (revocationFailures) | ratio |"
echo "|---|---|---|---|"
printf '%s\n' "${checks[@]}"
echo
echo "memory, $largest entries: MynaVerify +$(jq '.lists[0].residentBytes / 1e6 | floor' "$work/mem.json") MB resident while loading (peak $((mem_swift / 1024)) MB);" \
    "C +$(sed -E 's/.*resident \+([0-9.]+) MB.*/\1/' "$work/mem.txt") MB (peak $((mem_c / 1024)) MB); openssl crl peak $((mem_openssl / 1024)) MB"
