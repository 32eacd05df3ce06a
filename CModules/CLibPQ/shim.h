//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//
// libpq from the system (libpq-dev), for the verification service's shared store only
// (Sources/MynaServer/Stores): the terminal CLI never links it.
#ifndef MYNAKIT_CLIBPQ_SHIM_H
#define MYNAKIT_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
