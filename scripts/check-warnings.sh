#!/usr/bin/env bash
# Builds everything (tests included) and fails on any compiler warning in this repository's code.
# Two notes that are not about our code are ignored, each by its exact text: SwiftPM's about the '-pthread' flag in
# Debian's libpcsclite.pc, and SwiftPM's about a file in the swift-distributed-tracing package (a dependency of
# Hummingbird) that its manifest neither declares as a resource nor excludes.
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
warnings=$(grep -E "warning:" "$log" | grep -v -x -F \
    -e "warning: prohibited flag(s): -pthread" \
    -e "warning: 'swift-distributed-tracing': found 1 file(s) which are unhandled; explicitly declare them as resources or exclude from the target" \
    | sort -u)
rm -f "$log"
if [ -n "$warnings" ]; then
    echo "check-warnings: the build has warnings (see above)" >&2
    exit 1
fi
echo "check-warnings: build clean"
