#!/usr/bin/env bash
# The verification service's prerequisites and tests (Docs/VerificationService.md).
#   scripts/test-server.sh --install-only   installs PostgreSQL (Debian's postgresql package: the tests start a
#                                           throw-away cluster of their own on 127.0.0.1) and schemathesis (PyPI)
#   scripts/test-server.sh                  installs them when missing, then runs MynaServerTests and the
#                                           integration class VerificationServiceTests (pcscd with vpcd for the
#                                           terminal flow: scripts/pcscd-rig.sh start)
# Under CI=true those tests fail, never skip, when a prerequisite is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

schemathesis_version=4.32.5

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "test-server: run as root or install sudo" >&2; exit 1; }
    sudo_cmd=(sudo)
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "test-server: apt-get install postgresql"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
# Debian starts a cluster of its own on 5432; the tests never use it (they make theirs on a free port).
if ! command -v schemathesis >/dev/null || ! schemathesis --version 2>/dev/null | grep -q "$schemathesis_version"; then
    echo "test-server: pip install schemathesis==$schemathesis_version"
    python3 -m pip install -q --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

[ "${1:-}" = "--install-only" ] && exit 0

swift build --build-tests 2>&1 | grep -E "error:" && exit 1
swift test --disable-swift-testing --skip-build --filter "MynaServerTests|IntegrationTests.VerificationServiceTests"
