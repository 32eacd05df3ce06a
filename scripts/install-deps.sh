#!/usr/bin/env bash
# Installs the Debian packages MynaKit builds and tests with. Safe to run again.
set -euo pipefail

# libopenjp2-7-dev: the JPEG 2000 photo (COpenJPEG); libopenjp2-tools and pngcheck: independent judges in the tests.
# Document signing's independent judges and PDF producers: pdfsig (poppler-utils), qpdf, cairo through rsvg-convert
# (librsvg2-bin), and NSS's certutil and pk12util for pdfsig -add-signature (libnss3-tools).
packages=(pcscd libpcsclite-dev libssl-dev vsmartcard-vpcd opensc pcsc-tools valgrind
    libopenjp2-7-dev libopenjp2-tools pngcheck poppler-utils qpdf librsvg2-bin libnss3-tools)

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
