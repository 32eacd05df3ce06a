#!/usr/bin/env bash
# The main flow of a hospital terminal, end to end through pcscd:
#   readers -> info -> read and verify the authentication certificate -> PIN -> the card signs a fresh challenge.
# With a real reader holding a My Number card, the flow stops before the PIN (J-LIS roots are not shipped; pass
# them with MYNAKIT_ROOTS=/path/to/auth_ca.pem to run 'auth' too, and you will be asked for the PIN).
# Without one, the virtual My Number card is served on "Virtual PCD 00 00" and the whole flow runs with its test PIN.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Stop pcscd at the end only if this script started it.
started_pcscd=0
scripts/pcscd-rig.sh status >/dev/null 2>&1 || started_pcscd=1
scripts/pcscd-rig.sh start
echo "demo: building mynakit (release)"
if ! swift build -c release --product mynakit >"${TMPDIR:-/tmp}/mynakit-demo-build.log" 2>&1; then
    cat "${TMPDIR:-/tmp}/mynakit-demo-build.log" >&2
    exit 1
fi
mynakit=$(swift build -c release --show-bin-path)/mynakit

work=$(mktemp -d)
sim=""
cleanup() {
    [ -n "$sim" ] && kill "$sim" 2>/dev/null
    rm -rf "$work"
    if [ "$started_pcscd" = 1 ]; then scripts/pcscd-rig.sh stop; fi
}
trap cleanup EXIT

# A real card in a real reader wins; otherwise serve the virtual card.
# Each reader is a flat JSON object: keep those holding a card, drop the virtual readers.
real_reader=$("$mynakit" readers --json | tr -d '\n' | grep -o '{[^{}]*}' | grep '"cardPresent" : true' |
    sed -n 's/.*"name" : "\([^"]*\)".*/\1/p' | grep -v '^Virtual PCD' | head -n 1 || true)

run() {
    echo
    echo "\$ mynakit $*"
    "$mynakit" "$@"
}

if [ -n "$real_reader" ]; then
    echo "demo: using the card in '$real_reader'"
    run readers
    run info --reader "$real_reader"
    run cert read --kind auth --format text --reader "$real_reader"
    if [ -n "${MYNAKIT_ROOTS:-}" ]; then
        run auth --roots "$MYNAKIT_ROOTS" --reader "$real_reader"
    fi
    exit 0
fi

echo "demo: no real card found; serving the virtual My Number card (test PKI in $work/pki)"
"$mynakit" sim --pki "$work/pki" 2>"$work/sim.log" &
sim=$!
scripts/pcscd-rig.sh wait-card "Virtual PCD 00 00" "$mynakit"
reader="Virtual PCD 00 00"
run readers
run info --reader "$reader"
run cert read --kind auth --format text --reader "$reader"
run cert verify "$work/pki/auth.pem" --kind auth --roots "$work/pki/auth-root.pem"
# The virtual card's test PIN (never pass a real PIN in the environment of a shared machine).
export MYNAKIT_DEMO_PIN=1234
run auth --roots "$work/pki/auth-root.pem" --pin-env MYNAKIT_DEMO_PIN --reader "$reader"
