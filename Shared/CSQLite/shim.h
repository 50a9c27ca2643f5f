#ifndef DUBAN_CSQLITE_SHIM_H
#define DUBAN_CSQLITE_SHIM_H
#include <sqlite3.h>

/// sqlite3_config is variadic, which Swift cannot call. Turns off SQLite's memory statistics: with them on (Debian's
/// build, which also omits lookaside) every allocation takes one process-wide mutex, and a service's writer, readers
/// and listener contend on it. Only effective before SQLite initializes (the first open); returns SQLITE_MISUSE after.
static inline int duban_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/// SQLITE_TRANSIENT is a cast macro Swift does not import: SQLite copies the value before the bind call returns.
static inline sqlite3_destructor_type duban_sqlite3_transient(void) {
    return SQLITE_TRANSIENT;
}
#endif
