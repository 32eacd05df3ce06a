/*
 * failmalloc.c: an LD_PRELOAD shim for cabi_test's out-of-memory case (MYNAKIT_E_IO). Once armed through
 * failmalloc_arm(size), the next malloc of exactly `size` bytes returns NULL with errno ENOMEM; every other allocation
 * goes to glibc. cabi_test finds failmalloc_arm with dlsym, so it runs without the shim too.
 *
 * This source file is part of the MynaKit open source project.
 *
 *     cc -shared -fPIC -o failmalloc.so failmalloc.c
 *     LD_PRELOAD=./failmalloc.so cabi_test oom READER
 */
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);

static size_t armed_size; /* 0: not armed */

void failmalloc_arm(size_t size) { __atomic_store_n(&armed_size, size, __ATOMIC_SEQ_CST); }

void *malloc(size_t size) {
    size_t expected = size;
    if (size != 0 && __atomic_compare_exchange_n(&armed_size, &expected, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(size);
}
