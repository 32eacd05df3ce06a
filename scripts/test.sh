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
swift test "$@"
[ "${CI:-}" != true ] || scripts/fuzz.sh 15  # CI only: 15 s of libFuzzer per fuzz target, sanitizer build in .build-fuzz (Docs/Fuzzing.md)
