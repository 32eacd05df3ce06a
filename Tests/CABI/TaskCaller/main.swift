//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// CABITaskCaller: a Swift application that calls libmynakit from inside Swift concurrency tasks, more of them at once
// than the cooperative pool has threads, so that every thread of the pool is inside a C call at the same time. Run by
// Tests/IntegrationTests/CABITests.swift under `timeout -s KILL`: a library whose C calls need a pool thread to finish
// makes it hang.
//
//     CABITaskCaller LIBRARY READER [TASKS]
//
// Each task lists the readers, opens a session on READER, asks for the authentication PIN's tries, closes the
// session, and opens a session on a reader that does not exist (an error). The library is loaded with dlopen, as an
// application embedding it through a plugin or FFI layer does. Prints one line per kind of call with its successes,
// then "N tasks done"; exits 1 when any call did not do what it should.

#if canImport(Glibc)
import Glibc
#endif

typealias ErrorOut = UnsafeMutablePointer<OpaquePointer?>?
typealias ListReaders = @convention(c) (ErrorOut) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
typealias Open = @convention(c) (UnsafePointer<CChar>?, ErrorOut) -> OpaquePointer?
typealias Close = @convention(c) (OpaquePointer?) -> Void
typealias PINTries = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<Int32>?, ErrorOut) -> Int32
typealias ErrorCode = @convention(c) (OpaquePointer?) -> Int32
typealias ErrorFree = @convention(c) (OpaquePointer?) -> Void
typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void

/// libmynakit's functions, looked up once.
struct Library: @unchecked Sendable {
    // @unchecked: C function pointers into a library that stays loaded for the whole process.
    let listReaders: ListReaders
    let open: Open
    let close: Close
    let pinTries: PINTries
    let errorCode: ErrorCode
    let errorFree: ErrorFree
    let free: Free

    init(path: String) {
        guard let handle = dlopen(path, RTLD_NOW) else {
            fail("dlopen \(path): \(String(cString: dlerror()))")
        }
        func symbol<F>(_ name: String, as type: F.Type) -> F {
            guard let address = dlsym(handle, name) else { fail("\(path) has no \(name)") }
            return unsafeBitCast(address, to: type)
        }
        listReaders = symbol("mynakit_list_readers", as: ListReaders.self)
        open = symbol("mynakit_open", as: Open.self)
        close = symbol("mynakit_close", as: Close.self)
        pinTries = symbol("mynakit_pin_tries", as: PINTries.self)
        errorCode = symbol("mynakit_error_code", as: ErrorCode.self)
        errorFree = symbol("mynakit_error_free", as: ErrorFree.self)
        free = symbol("mynakit_free", as: Free.self)
    }
}

func fail(_ message: String) -> Never {
    print("CABITaskCaller: \(message)")
    exit(2)
}

/// What one task saw: which of its calls did what they should.
struct Outcome: Sendable {
    var listed = false
    var opened = false
    var triesRead = false
    var unknownReaderRefused = false
}

/// One task's calls, all synchronous C calls made on the task's pool thread.
func calls(_ library: Library, reader: String) -> Outcome {
    var outcome = Outcome()
    var error: OpaquePointer?
    if let list = library.listReaders(&error) {
        var index = 0
        while let name = list[index] {
            if String(cString: name) == reader { outcome.listed = true }
            library.free(name)
            index += 1
        }
        library.free(list)
    }
    library.errorFree(error)
    error = nil
    if let session = library.open(reader, &error) {
        outcome.opened = true
        var tries: Int32 = -1
        outcome.triesRead = library.pinTries(session, 1, &tries, nil) == 0 && tries > 0
        library.close(session)
    }
    library.errorFree(error)
    error = nil
    // 3: MYNAKIT_E_NO_CARD, an unknown reader.
    outcome.unknownReaderRefused = library.open("no such reader", &error) == nil && library.errorCode(error) == 3
    library.errorFree(error)
    return outcome
}

let arguments = CommandLine.arguments
guard arguments.count == 3 || arguments.count == 4 else { fail("usage: CABITaskCaller LIBRARY READER [TASKS]") }
let library = Library(path: arguments[1])
let reader = arguments[2]
// Four times the processors: Swift's cooperative pool has one thread per processor.
let taskCount = arguments.count == 4 ? Int(arguments[3]) ?? 0 : 4 * max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

let outcomes = await withTaskGroup(of: Outcome.self) { group in
    for _ in 0..<taskCount {
        group.addTask { [library, reader] in calls(library, reader: reader) }
    }
    var all: [Outcome] = []
    for await outcome in group { all.append(outcome) }
    return all
}
let counts = [
    ("mynakit_list_readers listed the reader", outcomes.filter(\.listed).count),
    ("mynakit_open opened a session", outcomes.filter(\.opened).count),
    ("mynakit_pin_tries read the tries", outcomes.filter(\.triesRead).count),
    ("mynakit_open refused an unknown reader with 3", outcomes.filter(\.unknownReaderRefused).count),
]
for (what, count) in counts { print("\(what): \(count) of \(taskCount)") }
print("\(taskCount) tasks done")
exit(counts.allSatisfy { $0.1 == taskCount } ? 0 : 1)
