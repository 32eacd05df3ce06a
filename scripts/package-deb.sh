#!/usr/bin/env bash
# Builds the Debian package out/mynakit_<version>_<arch>.deb with dpkg-deb (`make deb` calls it; Docs/Install.md).
#
#   scripts/package-deb.sh
#
# The version is the top entry of packaging/changelog; the commit is the checkout's HEAD (`-dirty` when tracked files
# differ), or $MYNAKIT_COMMIT when building outside git. Both reach the build as the environment variables
# MYNAKIT_VERSION and MYNAKIT_COMMIT. The binary is a release build with the Swift runtime linked statically and no
# RUNPATH, so it loads nothing from the toolchain; Depends comes from dpkg-shlibdeps, Installed-Size from
# dpkg-gencontrol. Environment: SWIFT (default swift), DEB_OUT (default out), DEB_SCRATCH (default .build-deb).
# Needs the Swift 6 toolchain, dpkg-dev, binutils and gzip (scripts/install-deps.sh does not install dpkg-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

swift=${SWIFT:-swift}
out=${DEB_OUT:-out}
scratch=${DEB_SCRATCH:-.build-deb}
umask 022

die() { echo "package-deb: $*" >&2; exit 1; }

for tool in "$swift" dpkg-deb dpkg-shlibdeps dpkg-gencontrol dpkg-parsechangelog readelf strip gzip md5sum; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install dpkg-dev binutils gzip; Swift 6 on PATH)"
done

version=$(dpkg-parsechangelog -l packaging/changelog -S Version)
arch=$(dpkg --print-architecture)
if git rev-parse --git-dir >/dev/null 2>&1; then
    commit=$(git rev-parse --short=12 HEAD)
    git diff --quiet HEAD -- 2>/dev/null || commit+=-dirty
else
    commit=${MYNAKIT_COMMIT:-unknown}
fi
export MYNAKIT_VERSION=$version MYNAKIT_COMMIT=$commit
# Every timestamp in the package is the changelog's date, so two builds of one commit give the same .deb.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(dpkg-parsechangelog -l packaging/changelog -S Timestamp)}
echo "package-deb: mynakit $version ($commit) for $arch"

# 1. The binary. --static-swift-stdlib links the Swift runtime and FoundationEssentials into it; --disable-local-rpath drops
#    the $ORIGIN RUNPATH SwiftPM adds; -z now completes the hardening (the toolchain already links PIE with RELRO).
build_flags=(-c release --scratch-path "$scratch/swift" --static-swift-stdlib --disable-local-rpath
    -Xlinker -z -Xlinker now)
"$swift" build "${build_flags[@]}" --product mynakit
# swift-argument-parser's man page generator, run directly (its plugin would build every product of the package).
"$swift" build "${build_flags[@]}" --product generate-manual
bin_dir=$("$swift" build "${build_flags[@]}" --show-bin-path)

# 2. Nothing may come from the toolchain at run time: no RPATH/RUNPATH, and every library resolves outside it.
toolchain=$(cd "$(dirname "$(command -v "$swift")")/.." && pwd -P)
dynamic=$(readelf -d "$bin_dir/mynakit")
if grep -Eq '\((RPATH|RUNPATH)\)' <<<"$dynamic"; then
    die "mynakit has an RPATH/RUNPATH: $(grep -E 'RPATH|RUNPATH' <<<"$dynamic")"
fi
libs=$(env -u LD_LIBRARY_PATH ldd "$bin_dir/mynakit")
if grep -q "not found" <<<"$libs" || grep -qF "$toolchain" <<<"$libs"; then
    die "mynakit loads libraries from the toolchain or misses some:"$'\n'"$libs"
fi

# 3. The package root, staged the way dpkg-shlibdeps and dpkg-gencontrol expect it (debian/<package>).
work=$scratch/pkg
root=$work/debian/mynakit
rm -rf "$work"
mkdir -p "$root/DEBIAN" "$work/man"
doc=$root/usr/share/doc/mynakit

install -D -m 0755 "$bin_dir/mynakit" "$root/usr/bin/mynakit"
strip --remove-section=.comment --remove-section=.note "$root/usr/bin/mynakit"
mynakit=$root/usr/bin/mynakit

# bash-completion sources the file, so the generator's #! line goes (lintian: bash-completion-with-hashbang).
"$mynakit" --generate-completion-script bash | sed '1{/^#!/d}' >"$work/mynakit.bash"
"$mynakit" --generate-completion-script zsh >"$work/_mynakit"
"$mynakit" --generate-completion-script fish >"$work/mynakit.fish"
install -D -m 0644 "$work/mynakit.bash" "$root/usr/share/bash-completion/completions/mynakit"
install -D -m 0644 "$work/_mynakit" "$root/usr/share/zsh/vendor-completions/_mynakit"
install -D -m 0644 "$work/mynakit.fish" "$root/usr/share/fish/vendor_completions.d/mynakit.fish"

"$bin_dir/generate-manual" "$mynakit" --date "$(date -u -d "@$SOURCE_DATE_EPOCH" +%F)" --output-directory "$work/man" \
    >/dev/null
[ -s "$work/man/mynakit.1" ] || die "generate-manual wrote no mynakit.1"
# generate-manual keeps the blank line between two paragraphs of a discussion; mdoc spells that .Pp (lintian:
# groff-message "Empty input line").
sed 's/^$/.Pp/' "$work/man/mynakit.1" >"$work/mynakit.1"
install -D -m 0644 "$work/mynakit.1" "$root/usr/share/man/man1/mynakit.1"
gzip -9n "$root/usr/share/man/man1/mynakit.1"

install -D -m 0644 udev/95-mynakit-readers.rules "$root/usr/lib/udev/rules.d/95-mynakit-readers.rules"

install -D -m 0644 packaging/copyright "$doc/copyright"
install -D -m 0644 packaging/README.Debian "$doc/README.Debian"
install -D -m 0644 packaging/changelog "$doc/changelog"
gzip -9n "$doc/changelog"
install -D -m 0644 udev/polkit/60-mynakit-pcsc.rules "$doc/examples/60-mynakit-pcsc.rules"
install -D -m 0644 udev/systemd/pcscd.service.d/mynakit.conf "$doc/examples/pcscd.service.d/mynakit.conf"

install -m 0755 packaging/postinst packaging/postrm "$root/DEBIAN/"
if [ -f packaging/lintian-overrides ]; then
    install -D -m 0644 packaging/lintian-overrides "$root/usr/share/lintian/overrides/mynakit"
fi

# 4. The control file: Depends from the libraries the binary really loads, plus pcscd (the daemon it talks to).
cp packaging/control "$work/debian/control"
cp packaging/changelog "$work/debian/changelog"
(
    cd "$work"
    dpkg-shlibdeps -Tdebian/mynakit.substvars debian/mynakit/usr/bin/mynakit
    dpkg-gencontrol -pmynakit -Tdebian/mynakit.substvars -Pdebian/mynakit
)
depends=$(sed -n 's/^Depends: //p' "$root/DEBIAN/control")
for needed in libpcsclite1 libssl3 pcscd; do
    grep -Eq "(^|, )$needed( |,|$)" <<<"$depends" || die "Depends lacks $needed: $depends"
done

(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"
find "$root" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out"
deb=$out/mynakit_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null

echo "package-deb: $deb ($(du -k "$deb" | cut -f1) KiB; Installed-Size $(sed -n 's/^Installed-Size: //p' \
    "$root/DEBIAN/control") KiB)"
echo "package-deb: Depends: $depends"
