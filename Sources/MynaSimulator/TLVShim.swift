//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard

// TEMPORARY: stands in for SmartCard's public `BERTLV.encode(tag:value:)` (same signature) until that lands; delete
// this file then.

extension BERTLV {
    /// The data object `tag` `value` encoded with its definite length in the shortest form.
    static func encode(tag: Tag, value: some Collection<UInt8>) -> [UInt8] {
        BERTLV(tag: tag, value: Array(value)).bytes
    }
}
