// SPDX-License-Identifier: MPL-2.0
import Applications
import ArgumentParser
import Foundation
import GuichetCore

/// The keys that sign issued documents.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Document-signing keys.", subcommands: [Show.self, Rotate.self])

    struct DataOptions: ParsableArguments {
        @Option(help: "Folder of uploads and keys (default: GUICHET_DATA_DIR or ./guichet-data).") var data: String?

        var directory: String {
            var configuration = AppConfiguration()
            configuration.applyFileSettings(ProcessInfo.processInfo.environment)
            return data ?? configuration.dataDirectory
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the current signing key's id (creating it on first use).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var data: DataOptions

        func run() async throws {
            let keys = try await withDatabase(database) { try await ApplicationKeys.load(dataDirectory: data.directory, database: $0.db) }
            print("current signing key \(keys.keyId)")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the signing key. Documents signed before still verify with the retired public key; restart the server afterwards.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var data: DataOptions

        func run() async throws {
            let (old, new) = try await withDatabase(database) {
                try await ApplicationKeys.rotate(dataDirectory: data.directory, database: $0.db, actor: "cli:keys-rotate")
            }
            print("signing key \(old) retired, \(new) in use; restart the server to sign with it")
        }
    }
}
