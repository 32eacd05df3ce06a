#!/usr/bin/env bash
# Installs MynaKit's C interface from a built library: `make install-lib` calls it with the release build, the tests
# (Tests/IntegrationTests/CABITests.swift, scripts/test-cabi.sh) with the debug build and a temporary prefix.
#
#   scripts/install-lib.sh LIBRARY [--prefix DIR] [--libdir DIR] [--includedir DIR] [--destdir DIR] [--version V]
#
# LIBRARY is a built libMynaKitC.so (SwiftPM's name for the MynaKitC product). It lands as
#   LIBDIR/libmynakit.so.1.0                      the library (soname libmynakit.so.1, symbols in node MYNAKIT_1.0)
#   LIBDIR/libmynakit.so.1 -> libmynakit.so.1.0   what programs load
#   LIBDIR/libmynakit.so -> libmynakit.so.1       what -lmynakit finds when linking
#   INCLUDEDIR/mynakit.h                          CModules/CMynaKit/mynakit.h
#   LIBDIR/pkgconfig/mynakit.pc                   for `pkg-config --cflags --libs mynakit`
# Defaults: --prefix /usr/local, --libdir PREFIX/lib, --includedir PREFIX/include. --destdir stages a package root:
# files go under it, the paths written into mynakit.pc do not include it. --version is the version mynakit.pc states
# (`make` passes the one it built with); without it, the library is asked (mynakit_version, through python3's ctypes),
# so that the two always agree.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "install-lib: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: install-lib.sh LIBRARY [--prefix|--libdir|--includedir|--destdir DIR] [--version V]"
library=$1
shift
prefix=/usr/local libdir= includedir= destdir= version=
while [ $# -gt 0 ]; do
    case $1 in
    --prefix) prefix=$2 ;;
    --libdir) libdir=$2 ;;
    --includedir) includedir=$2 ;;
    --destdir) destdir=$2 ;;
    --version) version=$2 ;;
    *) die "unknown option $1" ;;
    esac
    shift 2
done
libdir=${libdir:-$prefix/lib}
includedir=${includedir:-$prefix/include}

soname=libmynakit.so.1
real=libmynakit.so.1.0
[ -f "$library" ] || die "$library: no such library (build it with 'make lib' or 'swift build --product MynaKitC')"
# The soname and the exports come from Package.swift's linker settings for MynaKitC; a library without them is not
# the one the header describes.
readelf -d "$library" | grep -q "Library soname: \[$soname\]" || die "$library has no soname $soname"
if [ -z "$version" ]; then
    version=$(python3 -c 'import ctypes, sys
library = ctypes.CDLL(sys.argv[1])
library.mynakit_version.restype = ctypes.c_char_p
print(library.mynakit_version().decode())' "$library") || die "cannot ask $library for its version; pass --version"
fi

install -d "$destdir$libdir/pkgconfig" "$destdir$includedir"
install -m 0644 "$library" "$destdir$libdir/$real"
ln -sfn "$real" "$destdir$libdir/$soname"
ln -sfn "$soname" "$destdir$libdir/libmynakit.so"
install -m 0644 CModules/CMynaKit/mynakit.h "$destdir$includedir/mynakit.h"
sed -e "s|@PREFIX@|$prefix|" -e "s|@LIBDIR@|$libdir|" -e "s|@INCLUDEDIR@|$includedir|" -e "s|@VERSION@|$version|" \
    CModules/CMynaKit/mynakit.pc.in >"$destdir$libdir/pkgconfig/mynakit.pc"
chmod 0644 "$destdir$libdir/pkgconfig/mynakit.pc"
echo "install-lib: libmynakit $version in $destdir$libdir, mynakit.h in $destdir$includedir"
