//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The result codes of MynaKit's front ends: the CLI's exit statuses (Docs/Technician.md) and, with the same numbers,
/// the `MYNAKIT_E_*` codes of the C interface (`mynakit.h`). Scripts, kiosk supervisors and C callers branch on them,
/// so a code never changes meaning.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    /// No reader, no card, or not a My Number card.
    case noCard = 3
    /// PIN rejected, blocked, or last try refused.
    case pin = 4
    /// Verification failed.
    case verificationFailed = 5
    /// Card communication failed: removed, reset, malformed response, unexpected status word.
    case cardCommunication = 6
    case usage = 64
    /// PC/SC service unreachable or access denied.
    case serviceUnavailable = 69
    /// An output could not be written (EX_IOERR): full disk, closed or broken stdout, unwritable --out; in the C
    /// interface, no memory for a buffer to hand back.
    case ioError = 74
    /// `watch --events N` ended (timeout or interrupt) before N events (EX_TEMPFAIL). The CLI's alone: no library
    /// error maps to it.
    case timedOut = 75
}
