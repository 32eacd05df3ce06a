// This source file is part of the MynaKit open source project.

#include "MynaKitBuildInfo.h"

#ifndef MYNAKIT_VERSION
#error "MYNAKIT_VERSION is defined by Package.swift"
#endif
#ifndef MYNAKIT_COMMIT
#error "MYNAKIT_COMMIT is defined by Package.swift"
#endif

const char *mynakit_build_version(void) { return MYNAKIT_VERSION; }

const char *mynakit_build_commit(void) { return MYNAKIT_COMMIT; }
