#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer and AddressSanitizer and fuzzes each for SECONDS (default 60) on its
# committed seed corpus (Tests/Fuzz/corpus/<target>). New corpus entries go to a temporary directory, never into git;
# crash reproducers go to $FUZZ_ARTIFACTS (default: a temporary directory), and the script fails if any target
# crashed. Docs/Fuzzing.md explains the targets and how to turn a crash into a regression test.
#   scripts/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(FuzzBERTLV FuzzATR FuzzAPDU FuzzVirtualCard FuzzVerify FuzzMynaCardRead FuzzDocument)
fi
scratch=${FUZZ_SCRATCH:-.build-fuzz}
work=$(mktemp -d "${TMPDIR:-/tmp}/mynakit-fuzz.XXXXXX")
artifacts=${FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$artifacts"

# The Swift runtime's own backtracer would stall on a crash; libFuzzer and ASan report instead.
export SWIFT_BACKTRACE=enable=no

status=0
for target in "${targets[@]}"; do
    echo "fuzz.sh: building $target (-sanitize=fuzzer,address, scratch $scratch)"
    swift build -c debug --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DMYNAKIT_FUZZING \
        --product "$target" 2>&1 | grep -Ev "Cannot export local symbol|prohibited flag\(s\): -pthread" || true
    binary="$scratch/debug/$target"
    [ -x "$binary" ] || { echo "fuzz.sh: $binary was not built" >&2; exit 1; }
    corpus="$work/corpus/$target"
    mkdir -p "$corpus"
    echo "fuzz.sh: fuzzing $target for ${seconds}s (new inputs in $corpus)"
    if ! "$binary" "$corpus" "Tests/Fuzz/corpus/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$target-" 2>"$work/$target.log"; then
        echo "fuzz.sh: $target CRASHED; reproducer(s):" >&2
        ls "$artifacts"/"$target"-* >&2 || true
        tail -40 "$work/$target.log" >&2
        status=1
    fi
    grep -E "^stat::(number_of_executed_units|peak_rss_mb|new_units_added)|^Done [0-9]+ runs" "$work/$target.log" \
        | sed "s/^/fuzz.sh: $target: /"
done
echo "fuzz.sh: logs and the grown corpus are in $work"
exit $status
