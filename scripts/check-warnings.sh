#!/usr/bin/env bash
# Builds everything (tests included) and fails on any compiler warning in this repository's code.
# SwiftPM's own note about the '-pthread' flag in Debian's libpcsclite.pc is not about our code and is ignored.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
swift build --build-tests >"$log" 2>&1
status=$?
grep -E "error:|warning:" "$log" | sort -u
if [ "$status" -ne 0 ]; then
    echo "check-warnings: build failed" >&2
    exit 1
fi
warnings=$(grep -E "warning:" "$log" | grep -v "prohibited flag(s): -pthread" | sort -u)
rm -f "$log"
if [ -n "$warnings" ]; then
    echo "check-warnings: the build has warnings (see above)" >&2
    exit 1
fi
echo "check-warnings: build clean"
