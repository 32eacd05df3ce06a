// This source file is part of the MynaKit open source project.
//
// What `mynakit --version` reports about the build itself: the package version and the commit it was built from.
// Package.swift sets both from the environment variables MYNAKIT_VERSION and MYNAKIT_COMMIT (exported by `make` and
// scripts/package-deb.sh), falling back to its development version and "unknown".

#ifndef MYNAKIT_BUILD_INFO_H
#define MYNAKIT_BUILD_INFO_H

/// The package version, e.g. "0.2.0" (a plain `swift build`: "0.2.0-dev").
const char *mynakit_build_version(void);

/// The commit, 12 hex digits with "-dirty" when tracked files differed, or "unknown" (a plain `swift build`).
const char *mynakit_build_commit(void);

#endif
