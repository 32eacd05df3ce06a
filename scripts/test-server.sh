#!/usr/bin/env bash
# The verification service's tests alone (Docs/VerificationService.md): MynaServerTests and the integration class
# VerificationServiceTests. scripts/test.sh runs them with everything else; this is the quick loop while working on
# the service. Needs what scripts/install-deps.sh installs (PostgreSQL, libpq, libsqlite3, schemathesis) and, for the
# terminal flow, pcscd with vpcd (scripts/pcscd-rig.sh start). Under CI=true a missing prerequisite fails the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/check-warnings.sh
swift test --disable-swift-testing --skip-build --filter "MynaServerTests|IntegrationTests.VerificationServiceTests"
