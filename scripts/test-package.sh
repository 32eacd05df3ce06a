#!/usr/bin/env bash
# Proves the Debian packages on a clean system: installs them into a fresh Debian 12 root made with debootstrap (no
# Swift anywhere in it) and runs mynakit, and C and Python programs built against libmynakit-dev, there, against the
# virtual card served by the host's pcscd.
#
#   scripts/test-package.sh [DEB…]     the three packages (mynakit, libmynakit1, libmynakit-dev), in any order;
#                                      default: a fresh `scripts/package-deb.sh` build
#   scripts/test-package.sh --fresh    also redo the debootstrap (otherwise its result is kept as a tarball)
#   scripts/test-package.sh --no-card  skip pcscd and the virtual card (readers, cert read, the C and Python programs;
#                                      doctor runs without pcscd)
#
# Runs as root (debootstrap, chroot, mounts). Steps: lintian on each package (errors fail); debootstrap bookworm
# minbase from the host's Debian mirror into .build-deb-root/ (cached as base-bookworm.tar; a new root is unpacked from
# it every run); `apt-get install ./mynakit_….deb ./libmynakit1_….deb ./libmynakit-dev_….deb gcc libc6-dev pkg-config
# python3` inside the root (Depends come from the mirror), with a fake udevadm and a fake udev control socket to prove
# postinst leaves udev alone in a chroot; then in the root: mynakit --version (package version and commit), mynakit
# atr, the library's soname, RUNPATH and ldd, `pkg-config --cflags --libs mynakit`, and Tests/CABI/cabi_test.c and
# kiosk_example.c compiled with it; with the host's /run/pcscd bind-mounted and `mynakit sim --port 35963` running:
# mynakit readers, mynakit cert read, mynakit doctor, `cabi_test all` (every function of mynakit.h; openssl checks
# its CMS signatures) and Tests/CABI/kiosk_example.py (ctypes) against the installed library. pcscd is started with scripts/pcscd-rig.sh
# when none runs (and stopped again); a running one is used as it is and needs vpcd on 35963. Environment:
# DEBIAN_MIRROR (default: the host's apt source for bookworm, else http://deb.debian.org/debian).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

fresh=0
card_tests=1
debs=()
for arg in "$@"; do
    case $arg in
    --fresh) fresh=1 ;;
    --no-card) card_tests=0 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) debs+=("$arg") ;;
    esac
done

[ "$(id -u)" -eq 0 ] || { echo "test-package: run as root (debootstrap, chroot and mounts)" >&2; exit 1; }
for tool in debootstrap chroot mount umount findmnt python3 openssl; do
    command -v "$tool" >/dev/null || { echo "test-package: $tool not found (apt-get install debootstrap)" >&2; exit 1; }
done

reader="Virtual PCD 00 00"
port=35963
work=$repo/.build-deb-root
root=$work/root
base_tar=$work/base-bookworm.tar
start=$(date +%s)
failures=0
sim_pid=
started_pcscd=0

step() { printf '\n== %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

mounts_under_root() { findmnt -rn -o TARGET | awk -v r="$root" 'index($0, r "/") == 1 || $0 == r' | sort -r; }
unmount_all() {
    local target
    for target in $(mounts_under_root); do umount "$target" 2>/dev/null || umount -l "$target"; done
}
# Never delete the root while something is mounted inside it: that would delete the host's /dev or /run/pcscd.
remove_root() {
    unmount_all
    if [ -n "$(mounts_under_root)" ]; then
        echo "test-package: still mounted under $root, not removing it:" >&2
        mounts_under_root >&2
        exit 1
    fi
    rm -rf --one-file-system "$root"
}
cleanup() {
    [ -z "$sim_pid" ] || kill "$sim_pid" 2>/dev/null || true
    [ -z "$sim_pid" ] || wait "$sim_pid" 2>/dev/null || true
    unmount_all
    [ "$started_pcscd" = 0 ] || scripts/pcscd-rig.sh stop
}
trap cleanup EXIT

# 1. The packages: one of each.
if [ ${#debs[@]} = 0 ]; then
    step "build the packages"
    mapfile -t debs < <(scripts/package-deb.sh | tee /dev/stderr | sed -n 's/^package-deb: \(.*\.deb\) (.*/\1/p')
fi
declare -A deb_of
for file in "${debs[@]}"; do
    [ -f "$file" ] || { echo "test-package: no package at '$file'" >&2; exit 1; }
    name=$(dpkg-deb -f "$file" Package)
    [ -z "${deb_of[$name]:-}" ] || { echo "test-package: two $name packages: ${deb_of[$name]} $file" >&2; exit 1; }
    deb_of[$name]=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
done
for name in mynakit libmynakit1 libmynakit-dev; do
    [ -n "${deb_of[$name]:-}" ] || { echo "test-package: no $name package among: ${debs[*]}" >&2; exit 1; }
done
deb=${deb_of[mynakit]}
version=$(dpkg-deb -f "$deb" Version)
for name in libmynakit1 libmynakit-dev; do
    [ "$(dpkg-deb -f "${deb_of[$name]}" Version)" = "$version" ] ||
        { echo "test-package: ${deb_of[$name]} is not version $version" >&2; exit 1; }
done
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo "")
echo "test-package: version $version${commit:+, commit $commit}:"
printf '  %s\n' "${deb_of[mynakit]}" "${deb_of[libmynakit1]}" "${deb_of[libmynakit-dev]}"

if command -v lintian >/dev/null; then
    step "lintian"
    lintian_out=$(lintian --tag-display-limit 0 "${deb_of[mynakit]}" "${deb_of[libmynakit1]}" \
        "${deb_of[libmynakit-dev]}" 2>&1 | grep -v '^running with root privileges' || true)
    [ -z "$lintian_out" ] || echo "$lintian_out"
    if grep -q '^E:' <<<"$lintian_out"; then fail "lintian reports errors"; else pass "lintian: no errors"; fi
else
    echo "test-package: lintian not installed, skipped (apt-get install lintian)"
fi

# 2. A fresh Debian 12 root without Swift.
mkdir -p "$work"
remove_root
if [ "$fresh" = 1 ] || [ ! -s "$base_tar" ]; then
    mirror=${DEBIAN_MIRROR:-}
    if [ -z "$mirror" ]; then
        mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n 1)
        [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list \
            2>/dev/null)
        mirror=${mirror:-http://deb.debian.org/debian}
    fi
    step "debootstrap bookworm (minbase) from $mirror"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
        { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
    tar -C "$root" -cf "$base_tar.new" . && mv "$base_tar.new" "$base_tar"
else
    step "unpack the debootstrap root ($base_tar; --fresh redoes it)"
    mkdir -p "$root"
    tar -C "$root" -xf "$base_tar"
fi

if [ -n "$(find "$root" -xdev \( -name 'libswiftCore*' -o -name 'libFoundation*.so' -o -name swift \) -print -quit)" ] ||
    in_root sh -c 'command -v swift' >/dev/null; then
    fail "the root has Swift in it"
else
    pass "the root has no Swift toolchain or runtime"
fi

# 3. Install. No service may start inside the root (pcscd's postinst), and postinst must not touch udev in a chroot:
#    a fake udevadm records any call, and a fake /run/udev/control makes udev look alive.
step "apt-get install the packages in the root"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
printf '#!/bin/sh\necho "$*" >>/tmp/udevadm-called\n' >"$root/usr/local/sbin/udevadm"
chmod 0755 "$root/usr/local/sbin/udevadm"
mkdir -p "$root/run/udev"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$root/run/udev/control"
cp /etc/resolv.conf "$root/etc/resolv.conf"
packages=()
for name in mynakit libmynakit1 libmynakit-dev; do
    cp "${deb_of[$name]}" "$root/tmp/"
    packages+=("/tmp/$(basename "${deb_of[$name]}")")
done
# The packages as a terminal gets them (Recommends too); then gcc, libc6-dev and pkg-config to build the C programs
# and python3 for the ctypes example, what a kiosk vendor's build machine has (without their Recommends: less to fetch).
if in_root apt-get update -qq >"$work/apt.log" 2>&1 &&
    in_root apt-get install -y -q "${packages[@]}" >>"$work/apt.log" 2>&1 &&
    in_root apt-get install -y -q --no-install-recommends gcc libc6-dev pkg-config python3 >>"$work/apt.log" 2>&1; then
    pass "apt-get install the three packages (dependencies from the mirror), gcc, pkg-config and python3"
else
    tail -n 30 "$work/apt.log"
    fail "apt-get install"
    exit 1
fi
grep -E '^(Setting up|Unpacking) ' "$work/apt.log" | sed 's/^/  /' |
    grep -E 'mynakit|pcscd|libpcsclite1|libssl3|libccid'
if [ -e "$root/tmp/udevadm-called" ]; then
    fail "postinst called udevadm in a chroot: $(cat "$root/tmp/udevadm-called")"
else
    pass "postinst left udev alone in the chroot"
fi
rm -f "$root/run/udev/control" "$root/usr/local/sbin/udevadm"
for f in /usr/bin/mynakit /usr/lib/udev/rules.d/95-mynakit-readers.rules /usr/share/man/man1/mynakit.1.gz \
    /usr/share/bash-completion/completions/mynakit /usr/share/zsh/vendor-completions/_mynakit \
    /usr/share/fish/vendor_completions.d/mynakit.fish /usr/share/doc/mynakit/copyright \
    /usr/share/doc/mynakit/changelog.gz /usr/share/doc/mynakit/examples/60-mynakit-pcsc.rules \
    /usr/share/doc/mynakit/examples/pcscd.service.d/mynakit.conf; do
    [ -f "$root$f" ] || fail "missing $f"
done
multiarch=$(in_root gcc -print-multiarch)
libdir=/usr/lib/$multiarch
for f in $libdir/libmynakit.so.1.0 /usr/share/doc/libmynakit1/copyright /usr/include/mynakit.h \
    $libdir/pkgconfig/mynakit.pc /usr/share/doc/libmynakit-dev/copyright; do
    [ -f "$root$f" ] || fail "missing $f"
done
[ "$(readlink "$root$libdir/libmynakit.so.1")" = libmynakit.so.1.0 ] || fail "libmynakit.so.1 is not a link to .so.1.0"
[ "$(readlink "$root$libdir/libmynakit.so")" = libmynakit.so.1 ] || fail "libmynakit.so is not a link to .so.1"
if [ -e "$root/etc/polkit-1/rules.d/60-mynakit-pcsc.rules" ] ||
    [ -e "$root/etc/systemd/system/pcscd.service.d/mynakit.conf" ]; then
    fail "an example is active"
fi

# 4. Run it without pcscd: version, ATR decoding, libraries.
step "mynakit in the root"
if ldd_out=$(in_root ldd /usr/bin/mynakit) && ! grep -q 'not found' <<<"$ldd_out"; then
    pass "ldd: every library found ($(grep -c '=>' <<<"$ldd_out") loaded, all from Debian packages)"
else
    echo "$ldd_out"; fail "ldd"
fi
if version_out=$(in_root mynakit --version); then
    echo "  mynakit --version: $version_out"
    grep -qF "$version" <<<"$version_out" && pass "--version reports the package version $version" ||
        fail "--version does not report the package version $version"
    if [ -n "$commit" ]; then
        grep -qF "$commit" <<<"$version_out" && pass "--version reports the commit $commit" ||
            fail "--version does not report the commit $commit"
    fi
else
    fail "mynakit --version did not run"
fi
if atr_out=$(in_root mynakit atr 3BE000FF8131FE4514) && grep -q "My Number" <<<"$atr_out"; then
    pass "mynakit atr decodes the My Number card's ATR"
else
    echo "$atr_out"; fail "mynakit atr"
fi

# The library: its soname, no RUNPATH, every library it loads from Debian (no Swift runtime: it is linked in).
step "libmynakit in the root"
dynamic=$(in_root readelf -d "$libdir/libmynakit.so.1")
if grep -qF 'Library soname: [libmynakit.so.1]' <<<"$dynamic" && ! grep -Eq '\((RPATH|RUNPATH)\)' <<<"$dynamic"; then
    pass "readelf -d: soname libmynakit.so.1, no RPATH/RUNPATH; needs $(grep -o 'Shared library: \[[^]]*\]' \
        <<<"$dynamic" | sed 's/Shared library: //' | tr -d '[]' | paste -sd ' ')"
else
    echo "$dynamic"; fail "readelf -d $libdir/libmynakit.so.1"
fi
if lib_ldd=$(in_root ldd "$libdir/libmynakit.so.1") && ! grep -Eq 'not found|libswift|libFoundation' <<<"$lib_ldd"; then
    pass "ldd libmynakit.so.1: every library found, none of Swift's ($(grep -c '=>' <<<"$lib_ldd") loaded)"
else
    echo "$lib_ldd"; fail "ldd libmynakit.so.1"
fi
ldconfig_out=$(in_root ldconfig -p)
grep -qF "libmynakit.so.1 (" <<<"$ldconfig_out" && pass "the loader's cache has libmynakit.so.1 (ldconfig trigger)" ||
    fail "libmynakit.so.1 is not in the loader's cache"
pc_flags=$(in_root pkg-config --cflags --libs mynakit) && pc_version=$(in_root pkg-config --modversion mynakit) || true
if [ "$(xargs <<<"$pc_flags")" = "-lmynakit" ] && [ "$pc_version" = "$version" ]; then
    pass "pkg-config --cflags --libs mynakit: '$(xargs <<<"$pc_flags")', version $pc_version"
else
    fail "pkg-config: '$pc_flags', version '$pc_version' (expected -lmynakit, $version)"
fi
# The C programs of Tests/CABI, built the way Docs/Install.md tells a kiosk vendor to.
mkdir -p "$root/tmp/cabi"
cp Tests/CABI/cabi_test.c Tests/CABI/kiosk_example.c Tests/CABI/kiosk_example.py "$root/tmp/cabi/"
if in_root sh -c 'cd /tmp/cabi && for p in cabi_test kiosk_example; do
        gcc -O1 -Wall -Wextra -Werror -o $p $p.c $(pkg-config --cflags --libs mynakit) -lpthread || exit 1
    done' >"$work/cc.log" 2>&1; then
    pass "gcc builds cabi_test.c and kiosk_example.c against the installed mynakit.h and libmynakit"
else
    cat "$work/cc.log"; fail "gcc cabi_test.c, kiosk_example.c"
fi

# mynakit doctor: exit 0 or 1 (a failed check), or 69 when no pcscd answers (--no-card); it must find the packaged
# udev rules.
doctor() {
    local status=0 allowed=$1 json
    in_root mynakit doctor >"$work/doctor.txt" 2>&1 || status=$?
    sed 's/^/  /' "$work/doctor.txt"
    json=$(in_root mynakit doctor --json 2>/dev/null || true)
    if grep -qw "$status" <<<"$allowed" &&
        tr -d '\n' <<<"$json" | grep -o '{[^{}]*}' | grep '"udev-rules"' | grep -q '"PASS"'; then
        pass "mynakit doctor ran (exit $status) and finds the packaged udev rules"
    else
        fail "mynakit doctor (exit $status)"
    fi
}

# 5. Against the host's pcscd and the virtual card.
if [ "$card_tests" = 0 ]; then
    step "mynakit doctor without pcscd (--no-card)"
    doctor "0 1 69"
else
    step "pcscd and the virtual card on '$reader' (port $port)"
    if scripts/pcscd-rig.sh status >/dev/null 2>&1; then
        echo "test-package: using the running pcscd"
        grep -qi ":8C7B 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null ||
            { fail "the running pcscd has no vpcd listening on $port"; exit 1; }
    else
        scripts/pcscd-rig.sh start
        started_pcscd=1
    fi
    mkdir -p "$root/run/pcscd"
    mount --bind /run/pcscd "$root/run/pcscd"
    # exec: $! is then mynakit itself (chroot and env exec too), so kill reaches the sim rather than a subshell that
    # would leave it serving the shared reader.
    (exec chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 mynakit sim --port "$port" --pki /tmp/pki) \
        >"$work/sim.log" 2>&1 &
    sim_pid=$!
    card=0
    for _ in $(seq 1 100); do
        if in_root mynakit readers --json 2>/dev/null | tr -d '\n' | grep -o '{[^{}]*}' | grep -F "\"$reader\"" |
            grep -q '"cardPresent" : true'; then card=1; break; fi
        sleep 0.1
    done
    [ "$card" = 1 ] || { cat "$work/sim.log"; fail "no card in '$reader' after 10 s"; exit 1; }

    if readers_out=$(in_root mynakit readers) && grep -qF "$reader" <<<"$readers_out"; then
        echo "$readers_out" | sed 's/^/  /'
        pass "mynakit readers sees the virtual card"
    else
        echo "$readers_out"; fail "mynakit readers"
    fi
    if in_root mynakit cert read --kind auth --reader "$reader" --format pem >"$work/auth.pem" &&
        subject=$(openssl x509 -in "$work/auth.pem" -noout -subject); then
        pass "mynakit cert read --kind auth: $subject"
    else
        fail "mynakit cert read"
    fi
    doctor "0 1"

    # The C interface against the same card: the expected files of `cabi_test all` (the card's certificates as DER,
    # its roots, CRLs made by `openssl ca`) come from the simulator's PKI; the PINs go in the environment.
    cabi=$root/tmp/cabi
    for kind in auth sign; do
        openssl x509 -in "$root/tmp/pki/$kind.pem" -outform DER -out "$cabi/$kind.der"
        openssl x509 -in "$root/tmp/pki/$kind-root.pem" -outform DER -out "$cabi/$kind-ca.der"
        cp "$root/tmp/pki/$kind.pem" "$root/tmp/pki/$kind-root.pem" "$cabi/"
    done
    make_crl() { # NAME ISSUER [CERTIFICATE-TO-REVOKE]
        local ca=$work/ca-$1
        rm -rf "$ca" && mkdir -p "$ca" && : >"$ca/index.txt" && echo 01 >"$ca/crlnumber"
        printf '[ca]\ndefault_ca = issuer\n[issuer]\ndatabase = %s/index.txt\ncrlnumber = %s/crlnumber\n%s\n' \
            "$ca" "$ca" $'default_md = sha256\ndefault_crl_days = 30' >"$ca/ca.cnf"
        local keys=(-config "$ca/ca.cnf" -keyfile "$root/tmp/pki/$2.key.pem" -cert "$root/tmp/pki/$2.pem")
        [ -z "${3:-}" ] || openssl ca -revoke "$root/tmp/pki/$3" "${keys[@]}" 2>/dev/null
        openssl ca -gencrl -out "$cabi/$1.crl" "${keys[@]}" 2>/dev/null
    }
    make_crl auth-empty auth-root && make_crl sign-empty sign-root && make_crl auth-revoked auth-root auth.pem
    # The virtual card's test PINs, read from a file into the environment rather than put on a command line.
    printf 'MYNAKIT_TEST_AUTH_PIN=1234\nMYNAKIT_TEST_SIGN_PIN=ABC123\n' >"$cabi/pins.env"
    in_root sh -c 'set -a; . /tmp/cabi/pins.env; set +a; exec /tmp/cabi/cabi_test all "$0" /tmp/cabi' "$reader" \
        >"$work/cabi_test.log" 2>&1 || true
    summary=$(tail -n 1 "$work/cabi_test.log")
    if [[ $summary =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -ge 110 ]; then
        pass "cabi_test all (every function of mynakit.h through the installed library): $summary"
    else
        grep -v '^ok - ' "$work/cabi_test.log" | tail -n 20; fail "cabi_test all: $summary"
    fi
    # openssl judges the CMS signatures mynakit_sign_cms made there.
    for p7s in "$cabi"/document-sha256.p7s "$cabi"/document-sha512.p7s; do
        if openssl cms -verify -binary -inform DER -in "$p7s" -content "$cabi/document.txt" -purpose any \
            -CAfile "$root/tmp/pki/sign-root.pem" -out /dev/null 2>"$work/cms.log"; then
            pass "openssl cms -verify accepts $(basename "$p7s") from mynakit_sign_cms"
        else
            cat "$work/cms.log"; fail "openssl cms -verify $(basename "$p7s")"
        fi
    done
    if kiosk=$(in_root /tmp/cabi/kiosk_example /tmp/pki/auth-root.pem "$reader" <<<"1234" 2>&1) &&
        grep -q ": card verified (certificate " <<<"$kiosk"; then
        pass "kiosk_example (C): $kiosk"
    else
        echo "$kiosk"; fail "kiosk_example (C)"
    fi
    if python_out=$(in_root python3 /tmp/cabi/kiosk_example.py --roots /tmp/pki/auth-root.pem --reader "$reader" \
        <<<"1234" 2>&1) && grep -q "^libmynakit $version$" <<<"$python_out" &&
        grep -q "^signature: 256 bytes over a fresh 32-byte challenge, valid$" <<<"$python_out"; then
        pass "kiosk_example.py (ctypes) against the installed libmynakit.so.1"
        sed 's/^/  /' <<<"$python_out"
    else
        echo "$python_out"; fail "kiosk_example.py"
    fi
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    sim_pid=
    umount "$root/run/pcscd"
fi

# 6. Removal runs postrm cleanly, and the library goes with its trigger.
if in_root apt-get purge -y -q mynakit libmynakit1 libmynakit-dev >>"$work/apt.log" 2>&1 &&
    [ ! -e "$root/usr/bin/mynakit" ] && [ ! -e "$root$libdir/libmynakit.so.1.0" ] &&
    ! in_root ldconfig -p | grep -qF libmynakit; then
    pass "apt-get purge mynakit libmynakit1 libmynakit-dev"
else
    fail "apt-get purge mynakit libmynakit1 libmynakit-dev"
fi

step "done"
echo "test-package: $failures failure(s), $(($(date +%s) - start)) s"
[ "$failures" -eq 0 ]
