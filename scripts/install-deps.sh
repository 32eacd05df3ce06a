#!/usr/bin/env bash
# Installs the Debian packages MynaKit builds and tests with. Safe to run again.
set -euo pipefail

# libopenjp2-7-dev: the JPEG 2000 photo (COpenJPEG); libopenjp2-tools and pngcheck: independent judges in the tests.
# Document signing's independent judges and PDF producers: pdfsig (poppler-utils), qpdf, cairo through rsvg-convert
# (librsvg2-bin), and NSS's certutil and pk12util for pdfsig -add-signature (libnss3-tools).
# The verification service (mynakit-server): libsqlite3-dev and libpq-dev for its stores (CModules/CSQLite3,
# CModules/CLibPQ); postgresql for its tests, which start a throw-away cluster of their own on 127.0.0.1 (Debian's
# own cluster on 5432 is never used).
packages=(pcscd libpcsclite-dev libssl-dev vsmartcard-vpcd opensc pcsc-tools valgrind
    libopenjp2-7-dev libopenjp2-tools pngcheck poppler-utils qpdf librsvg2-bin libnss3-tools
    libsqlite3-dev libpq-dev postgresql)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${MYNAKIT_FORCE_APT:-0}" = 1 ] || [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: apt-get install ${packages[*]}"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "install-deps: the Swift 6 toolchain is not on PATH" >&2; exit 1; }

# schemathesis (PyPI), pinned: the service's tests check Docs/openapi.yaml against a running mynakit-server with it.
schemathesis_version=4.32.5
if ! command -v schemathesis >/dev/null || ! schemathesis --version 2>/dev/null | grep -qF "$schemathesis_version"; then
    echo "install-deps: pip install schemathesis==$schemathesis_version"
    # Debian 12's own python3 refuses pip outside a virtual environment (PEP 668) unless told otherwise.
    python3 -m pip install -q --disable-pip-version-check "schemathesis==$schemathesis_version" 2>/dev/null \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages \
            "schemathesis==$schemathesis_version"
fi
