#!/usr/bin/env bash
# Builds the Debian packages with dpkg-deb (`make deb` calls it; Docs/Install.md), from one release build:
#   out/mynakit_<version>_<arch>.deb          the CLI, udev rules, man page, completions, examples
#   out/libmynakit1_<version>_<arch>.deb      libmynakit.so.1 (the C interface) in /usr/lib/<multiarch>, with its
#                                             symbols (packaging/libmynakit1.symbols), shlibs and ldconfig trigger
#   out/libmynakit-dev_<version>_<arch>.deb   mynakit.h, the libmynakit.so link and mynakit.pc
#
#   scripts/package-deb.sh
#
# The version is the top entry of packaging/changelog; the commit is the checkout's HEAD (`-dirty` when tracked files
# differ), or $MYNAKIT_COMMIT when building outside git. Both reach the build as the environment variables
# MYNAKIT_VERSION and MYNAKIT_COMMIT. The binary and the library are release builds with the Swift runtime linked
# statically and no RUNPATH, so they load nothing from the toolchain; Depends comes from dpkg-shlibdeps, Installed-Size
# from dpkg-gencontrol, and dpkg-gensymbols fails the build when the library exports anything the symbols file does
# not list or lacks anything it lists. Environment: SWIFT (default swift), DEB_OUT (default out), DEB_SCRATCH (default
# .build-deb). Needs the Swift 6 toolchain, dpkg-dev, binutils and gzip (scripts/install-deps.sh does not install
# dpkg-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

swift=${SWIFT:-swift}
out=${DEB_OUT:-out}
scratch=${DEB_SCRATCH:-.build-deb}
umask 022

die() { echo "package-deb: $*" >&2; exit 1; }

for tool in "$swift" dpkg-deb dpkg-shlibdeps dpkg-gencontrol dpkg-gensymbols dpkg-parsechangelog dpkg-architecture \
    readelf strip gzip md5sum; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install dpkg-dev binutils gzip; Swift 6 on PATH)"
done

version=$(dpkg-parsechangelog -l packaging/changelog -S Version)
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
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

# 1. The binary and the library. --static-swift-stdlib links the Swift runtime and FoundationEssentials into the
#    binary, and -static-stdlib (what `make lib` passes) into the library; both products build with the same flags,
#    so they share the compiled modules. --disable-local-rpath drops the $ORIGIN RUNPATH SwiftPM adds; -z now
#    completes the hardening (the toolchain already links PIE with RELRO).
build_flags=(-c release --scratch-path "$scratch/swift" --static-swift-stdlib -Xswiftc -static-stdlib
    --disable-local-rpath -Xlinker -z -Xlinker now)
"$swift" build "${build_flags[@]}" --product mynakit
"$swift" build "${build_flags[@]}" --product MynaKitC
# swift-argument-parser's man page generator, run directly (its plugin would build every product of the package).
"$swift" build "${build_flags[@]}" --product generate-manual
bin_dir=$("$swift" build "${build_flags[@]}" --show-bin-path)

# 2. Nothing may come from the toolchain at run time: no RPATH/RUNPATH, and every library resolves outside it.
toolchain=$(cd "$(dirname "$(command -v "$swift")")/.." && pwd -P)
for built in "$bin_dir/mynakit" "$bin_dir/libMynaKitC.so"; do
    dynamic=$(readelf -d "$built")
    if grep -Eq '\((RPATH|RUNPATH)\)' <<<"$dynamic"; then
        die "$(basename "$built") has an RPATH/RUNPATH: $(grep -E 'RPATH|RUNPATH' <<<"$dynamic")"
    fi
    libs=$(env -u LD_LIBRARY_PATH ldd "$built")
    if grep -q "not found" <<<"$libs" || grep -qF "$toolchain" <<<"$libs" || grep -q 'libswift' <<<"$libs"; then
        die "$(basename "$built") loads libraries from the toolchain or misses some:"$'\n'"$libs"
    fi
done

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

# 4. The library's two packages, from the layout scripts/install-lib.sh gives `make install-lib` (mynakit.pc names
#    /usr/lib/<multiarch>): the soname and the real file in libmynakit1, the development link, header and .pc in
#    libmynakit-dev.
lib_root=$work/debian/libmynakit1
dev_root=$work/debian/libmynakit-dev
stage=$work/lib-stage
libdir=/usr/lib/$multiarch
scripts/install-lib.sh "$bin_dir/libMynaKitC.so" --prefix /usr --libdir "$libdir" --includedir /usr/include \
    --destdir "$stage" --version "$version" >/dev/null
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$stage$libdir/libmynakit.so.1.0"
mkdir -p "$lib_root/DEBIAN" "$lib_root$libdir" "$dev_root/DEBIAN" "$dev_root$libdir" "$dev_root/usr"
mv "$stage$libdir/libmynakit.so.1.0" "$stage$libdir/libmynakit.so.1" "$lib_root$libdir/"
mv "$stage$libdir/libmynakit.so" "$stage$libdir/pkgconfig" "$dev_root$libdir/"
mv "$stage/usr/include" "$dev_root/usr/include"
for package in libmynakit1 libmynakit-dev; do
    install -D -m 0644 packaging/copyright "$work/debian/$package/usr/share/doc/$package/copyright"
    install -D -m 0644 packaging/changelog "$work/debian/$package/usr/share/doc/$package/changelog"
    gzip -9n "$work/debian/$package/usr/share/doc/$package/changelog"
done
install -m 0644 packaging/libmynakit1.shlibs "$lib_root/DEBIAN/shlibs"
install -m 0644 packaging/libmynakit1.triggers "$lib_root/DEBIAN/triggers"

# 5. The control files: Depends from the libraries the binary and the library really load, plus pcscd for the CLI
#    (the daemon it talks to); the library's symbols file checked against what it exports (-c4: any difference fails).
cp packaging/control "$work/debian/control"
cp packaging/changelog "$work/debian/changelog"
(
    cd "$work"
    dpkg-gensymbols -plibmynakit1 -Pdebian/libmynakit1 -I"$repo/packaging/libmynakit1.symbols" -c4 \
        -edebian/libmynakit1$libdir/libmynakit.so.1.0 >/dev/null
    dpkg-shlibdeps -Tdebian/mynakit.substvars debian/mynakit/usr/bin/mynakit
    dpkg-gencontrol -pmynakit -Tdebian/mynakit.substvars -Pdebian/mynakit
    dpkg-shlibdeps -Tdebian/libmynakit1.substvars debian/libmynakit1$libdir/libmynakit.so.1.0
    dpkg-gencontrol -plibmynakit1 -Tdebian/libmynakit1.substvars -Pdebian/libmynakit1
    dpkg-gencontrol -plibmynakit-dev -Tdebian/libmynakit-dev.substvars -Pdebian/libmynakit-dev
)
depends=$(sed -n 's/^Depends: //p' "$root/DEBIAN/control")
for needed in libpcsclite1 libssl3 pcscd; do
    grep -Eq "(^|, )$needed( |,|$)" <<<"$depends" || die "mynakit: Depends lacks $needed: $depends"
done
lib_depends=$(sed -n 's/^Depends: //p' "$lib_root/DEBIAN/control")
for needed in libpcsclite1 libssl3; do
    grep -Eq "(^|, )$needed( |,|$)" <<<"$lib_depends" || die "libmynakit1: Depends lacks $needed: $lib_depends"
done

# 6. md5sums, timestamps, and the .debs.
mkdir -p "$out"
for package in mynakit libmynakit1 libmynakit-dev; do
    dir=$work/debian/$package
    (cd "$dir" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
        >"$dir/DEBIAN/md5sums"
    chmod 0644 "$dir/DEBIAN/md5sums" "$dir/DEBIAN/control"
    find "$dir" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
    deb=$out/${package}_${version}_${arch}.deb
    dpkg-deb --root-owner-group -Zxz --build "$dir" "$deb" >/dev/null
    echo "package-deb: $deb ($(du -k "$deb" | cut -f1) KiB; Installed-Size $(sed -n 's/^Installed-Size: //p' \
        "$dir/DEBIAN/control") KiB)"
done
echo "package-deb: mynakit Depends: $depends"
echo "package-deb: libmynakit1 Depends: $lib_depends"
