#!/usr/bin/env bash
# The test command of the README and of .ci/run: installs what is missing, starts pcscd with vpcd, builds (failing
# on any compiler warning in our code), and runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Stop pcscd at the end only if this script started it.
started_pcscd=0
scripts/pcscd-rig.sh status >/dev/null 2>&1 || started_pcscd=1
scripts/pcscd-rig.sh start
trap 'if [ "$started_pcscd" = 1 ]; then scripts/pcscd-rig.sh stop; fi' EXIT

scripts/check-warnings.sh
# Every test is XCTest; Swift Testing would only add a "0 tests" summary.
log=$(mktemp)
swift test --disable-swift-testing "$@" 2>&1 | tee "$log"
[ "${CI:-}" != true ] || scripts/fuzz.sh 15  # CI only: 15 s of libFuzzer per fuzz target, sanitizer build in .build-fuzz (Docs/Fuzzing.md)

# One plain closing line from XCTest's summary: "Executed N tests, with S tests skipped and F failures".
summary=$(grep -E "Executed [0-9]+ tests?, with" "$log" | tail -n 1)
[ -n "$summary" ] || { echo "test.sh: no XCTest summary in the output" >&2; exit 1; }
rm -f "$log"
executed=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
skipped=$(echo "$summary" | sed -nE 's/.* ([0-9]+) tests? skipped.*/\1/p')
failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
skipped=${skipped:-0}
echo "$((executed - skipped - failed)) passed, $failed failed, $skipped skipped"
