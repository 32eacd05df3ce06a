#!/usr/bin/env bash
# The C interface's tests alone (Tests/IntegrationTests/CABITests.swift): install into a temporary prefix, C programs
# built with pkg-config, every function and error path through pcscd and the virtual card, AddressSanitizer,
# valgrind, the C and Python examples of Docs/KioskEmbedding.md.
#
#   scripts/test-cabi.sh             the debug library that `swift build --build-tests` links
#   scripts/test-cabi.sh --release   the library `make lib` builds (Swift runtime inside, stripped)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/pcscd-rig.sh start >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! swift build --build-tests >"$log" 2>&1; then
    grep -E "error:" "$log" >&2
    exit 1
fi
if [ "${1:-}" = --release ]; then
    make lib >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    export MYNAKIT_CABI_LIBRARY=$PWD/.build/mynakit-install/libmynakit.so.1.0
fi
swift test --disable-swift-testing --skip-build --filter CABITests
