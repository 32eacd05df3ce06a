//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import MynaServer

/// `mynakit-server key add|list|remove`
struct Key: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the terminals' API keys (only their SHA-256 is stored).",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key; prints it once, on stdout. It cannot be shown again.")

        @Argument(help: "A name for the terminal or site (letters, digits, '.', '-', '_').")
        var name: String

        @OptionGroup var storeOptions: StoreOptions

        func validate() throws {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
            guard !name.isEmpty, name.count <= 64, name.allSatisfy(allowed.contains) else {
                throw ValidationError("NAME must be 1 to 64 letters, digits, '.', '-' or '_'")
            }
        }

        func run() async throws {
            let location = try storeOptions.location()
            let name = self.name
            let key = try APIKey.generate()
            let hash = try APIKey.hash(key)
            try await failing(with: ServerExit.unavailable, "key add") {
                try await ServiceApplication.withStore(
                    location, timeout: storeOptions.timeout, logger: storeOptions.makeLogger()
                ) { store in
                    try await store.addKey(name: name, hash: hash, createdAt: Date())
                }
            }
            print(key)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys' names and creation times.")

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let location = try storeOptions.location()
            let keys = try await failing(with: ServerExit.unavailable, "key list") {
                try await ServiceApplication.withStore(
                    location, timeout: storeOptions.timeout, logger: storeOptions.makeLogger()
                ) { store in
                    try await store.listKeys()
                }
            }
            for key in keys {
                print("\(key.name)\t\(Date.ISO8601FormatStyle().format(key.createdAt))")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a key: its terminal gets 401 from now on.")

        @Argument(help: "The key's name.")
        var name: String

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let location = try storeOptions.location()
            let name = self.name
            let removed = try await failing(with: ServerExit.unavailable, "key remove") {
                try await ServiceApplication.withStore(
                    location, timeout: storeOptions.timeout, logger: storeOptions.makeLogger()
                ) { store in
                    try await store.removeKey(name: name)
                }
            }
            if !removed {
                FileHandle.standardError.write(Data("mynakit-server: no key named \(name)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
