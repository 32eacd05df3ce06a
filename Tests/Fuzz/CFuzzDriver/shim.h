// libFuzzer's driver entry point, declared so that Swift calls it with the C calling convention.
//
// SwiftPM links every executable with its own `main` (it renames the module's top-level code and points `main` at
// it), so libFuzzer's `main` is never used. Under `-sanitize=fuzzer` the fuzz targets therefore hand control to
// libFuzzer themselves through this function (compiler-rt FuzzerInterface.h, LLVM 13 and later). Nothing here is
// referenced in a normal build, which links no fuzzer runtime.
#ifndef CFUZZDRIVER_SHIM_H
#define CFUZZDRIVER_SHIM_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
