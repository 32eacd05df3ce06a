//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Synchronization

/// The objects behind the opaque pointers C callers hold (`mynakit_session *`, `mynakit_error *`).
///
/// The table owns every live object; the pointer a caller gets is the object's address, used only as a key. A
/// pointer that is not in the table (closed, freed, or never ours) finds nothing, so `mynakit_close` twice, a call on
/// a closed session, or `mynakit_error_free` twice is an error or ignored rather than a use after free. A call that
/// looked an object up holds its own reference, so another thread closing the session meanwhile cannot free it under
/// the call.
final class HandleTable<Object: AnyObject & Sendable>: Sendable {
    private let objects = Mutex<[UInt: Object]>([:])

    /// Adds `object` and returns the pointer that names it.
    func insert(_ object: Object) -> OpaquePointer {
        // The object's address: a non-null pointer that C never dereferences.
        let pointer = OpaquePointer(Unmanaged.passUnretained(object).toOpaque())
        objects.withLock { $0[Self.key(pointer)] = object }
        return pointer
    }

    /// The object `pointer` names, or `nil`.
    func lookUp(_ pointer: OpaquePointer?) -> Object? {
        guard let pointer else { return nil }
        return objects.withLock { $0[Self.key(pointer)] }
    }

    /// Removes the object `pointer` names and returns it, or `nil` when there is none.
    func remove(_ pointer: OpaquePointer?) -> Object? {
        guard let pointer else { return nil }
        return objects.withLock { $0.removeValue(forKey: Self.key(pointer)) }
    }

    private static func key(_ pointer: OpaquePointer) -> UInt {
        UInt(bitPattern: Int(bitPattern: pointer))
    }
}
