//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//
// SQLite 3 from the system (libsqlite3-dev), for the verification service's embedded store only
// (Sources/MynaServer/Stores): the terminal CLI never links it.
#ifndef MYNAKIT_CSQLITE3_SHIM_H
#define MYNAKIT_CSQLITE3_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import: it tells SQLite to copy
// bound text before sqlite3_bind_text returns.
static inline sqlite3_destructor_type mynakit_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
