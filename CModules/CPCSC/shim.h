//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//
#ifndef CPCSC_SHIM_H
#define CPCSC_SHIM_H

#include <winscard.h>
#include <reader.h>

// The protocol control information structures are exported as `&g_rgSCardT0Pci` behind macros,
// which Swift cannot import.
static inline const SCARD_IO_REQUEST *CPCSC_PCI_T0(void) { return SCARD_PCI_T0; }
static inline const SCARD_IO_REQUEST *CPCSC_PCI_T1(void) { return SCARD_PCI_T1; }
static inline const SCARD_IO_REQUEST *CPCSC_PCI_RAW(void) { return SCARD_PCI_RAW; }

// Attribute identifiers are built by the function-like macro SCARD_ATTR_VALUE.
static inline DWORD CPCSC_ATTR_ATR_STRING(void) { return SCARD_ATTR_ATR_STRING; }
static inline DWORD CPCSC_ATTR_VENDOR_NAME(void) { return SCARD_ATTR_VENDOR_NAME; }
static inline DWORD CPCSC_ATTR_VENDOR_IFD_TYPE(void) { return SCARD_ATTR_VENDOR_IFD_TYPE; }
static inline DWORD CPCSC_ATTR_VENDOR_IFD_VERSION(void) { return SCARD_ATTR_VENDOR_IFD_VERSION; }
static inline DWORD CPCSC_ATTR_VENDOR_IFD_SERIAL_NO(void) { return SCARD_ATTR_VENDOR_IFD_SERIAL_NO; }
static inline DWORD CPCSC_ATTR_CHANNEL_ID(void) { return SCARD_ATTR_CHANNEL_ID; }
static inline DWORD CPCSC_ATTR_MAXINPUT(void) { return SCARD_ATTR_MAXINPUT; }

// Control codes are built by the function-like macro SCARD_CTL_CODE.
static inline DWORD CPCSC_IOCTL_GET_FEATURE_REQUEST(void) { return CM_IOCTL_GET_FEATURE_REQUEST; }

// Casts in the definitions keep these constants out of Swift's importer.
static inline DWORD CPCSC_AUTOALLOCATE(void) { return SCARD_AUTOALLOCATE; }
static inline DWORD CPCSC_INFINITE(void) { return INFINITE; }

#endif
