#!/usr/bin/env bash
# The test rig: pcscd with vsmartcard's vpcd driver (readers "Virtual PCD 00 00" on port 35963 and
# "Virtual PCD 00 01" on 35964).
#   pcscd-rig.sh start     start pcscd in the background unless one already answers
#   pcscd-rig.sh stop      stop pcscd
#   pcscd-rig.sh restart   stop and start again (used by the pcscd-restart tests)
#   pcscd-rig.sh restart-without-readers   restart with an empty reader configuration: every reader disappears
#   pcscd-rig.sh status
#   pcscd-rig.sh wait-card READER MYNAKIT   wait (up to 10 s) until pcscd sees a card in READER
set -euo pipefail

run_dir=/run/pcscd
socket=${PCSCLITE_CSOCK_NAME:-$run_dir/pcscd.comm}
log=${MYNAKIT_PCSCD_LOG:-/tmp/mynakit-pcscd.log}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

running() { [ -S "$socket" ] && pgrep -x pcscd >/dev/null; }

wait_for_vpcd() {
    # vpcd listens on 35963 (0x8C7B) once pcscd loaded it; look at the listening sockets rather than connecting,
    # which vpcd would take for a card.
    for _ in $(seq 1 100); do
        if grep -qi ":8C7B 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "pcscd-rig: vpcd does not listen on 35963; is vsmartcard-vpcd installed?" >&2
    return 1
}

start() {
    if running; then
        wait_for_vpcd
        echo "pcscd-rig: pcscd already running"
        return 0
    fi
    if [ ! -f /etc/reader.conf.d/vpcd ]; then
        as_root install -d /etc/reader.conf.d
        printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x8C7B\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x8C7B\n' |
            as_root tee /etc/reader.conf.d/vpcd >/dev/null
    fi
    # A stale pid file from a container restart makes pcscd refuse to start.
    as_root rm -rf "$run_dir"
    args=(--foreground)
    if [ -n "${1:-}" ]; then args+=(--config "$1"); fi
    if pcscd --help 2>&1 | grep -q -- --disable-polkit; then args+=(--disable-polkit); fi
    # Start it in its own session with an empty signal mask: a parent that blocks signals (a test runner's worker
    # thread) would otherwise hand pcscd a blocked SIGTERM; descriptors it inherits (a client's PC/SC socket) are closed.
    local sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    (exec "${sudo_cmd[@]}" setsid perl -MPOSIX -e \
        'sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die; POSIX::close($_) for 3 .. 1023; exec @ARGV or die' \
        pcscd "${args[@]}") </dev/null >"$log" 2>&1 &
    for _ in $(seq 1 100); do
        [ -S "$socket" ] && break
        sleep 0.1
    done
    [ -S "$socket" ] || { echo "pcscd-rig: pcscd did not create $socket (log: $log)" >&2; exit 1; }
    if [ -z "${1:-}" ]; then wait_for_vpcd; fi
    echo "pcscd-rig: pcscd started (log: $log)"
}

stop() {
    local pids
    pids=$(pgrep -x pcscd || true)
    [ -n "$pids" ] || return 0
    as_root kill $pids 2>/dev/null || true
    for _ in $(seq 1 30); do
        pgrep -x pcscd >/dev/null || break
        sleep 0.1
    done
    # pcscd can sit on a blocked SIGTERM while a driver call is in flight: make sure it is gone.
    if pgrep -x pcscd >/dev/null; then
        as_root pkill -KILL -x pcscd 2>/dev/null || true
        sleep 0.2
    fi
}

wait_card() {
    local reader=$1 mynakit=$2
    for _ in $(seq 1 100); do
        "$mynakit" readers --json 2>/dev/null | tr -d '\n' | grep -o '{[^{}]*}' | grep -F "\"$reader\"" |
            grep -q '"cardPresent" : true' && return 0
        sleep 0.1
    done
    echo "pcscd-rig: no card in '$reader' after 10 s" >&2
    return 1
}

case "${1:-status}" in
wait-card) wait_card "$2" "$3" ;;
start) start ;;
stop) stop ;;
restart) stop; start ;;
restart-without-readers)
    empty=$(mktemp -d)
    stop
    start "$empty" ;;
status) if running; then echo "pcscd running"; else echo "pcscd not running"; exit 1; fi ;;
*) echo "usage: $0 start|stop|restart|status" >&2; exit 64 ;;
esac
