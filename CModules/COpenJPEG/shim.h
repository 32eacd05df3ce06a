//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//
#ifndef COPENJPEG_SHIM_H
#define COPENJPEG_SHIM_H

// OpenJPEG (libopenjp2, Debian's libopenjp2-7-dev): the JPEG 2000 codec behind MynaImaging. pkg-config adds
// -I/usr/include/openjpeg-2.5; everything MynaImaging calls is a plain function or struct, so no wrappers are needed.
#include <openjpeg.h>

#endif
