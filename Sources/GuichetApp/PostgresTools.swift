// SPDX-License-Identifier: MPL-2.0
import Foundation

/// `pg_dump` and `pg_restore`, found on `PATH` and run with the password in `PGPASSWORD` (never on the command line,
/// where any local user could read it).
enum PostgresTools {
    struct Connection {
        /// The URL without its password, for `--dbname`.
        var url: String
        var environment: [String: String]
    }

    static func connection(_ url: String) throws -> Connection {
        guard var components = URLComponents(string: url) else { throw BackupError.refused("the PostgreSQL URL cannot be read") }
        var environment = ProcessInfo.processInfo.environment
        if let password = components.password {
            environment["PGPASSWORD"] = password
            components.password = nil
        }
        guard let stripped = components.string else { throw BackupError.refused("the PostgreSQL URL cannot be read") }
        return Connection(url: stripped, environment: environment)
    }

    static func locate(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw BackupError.refused("\(name) is not on PATH: install PostgreSQL's client programs (Debian: apt-get install postgresql-client)")
    }

    /// The major version a client program reports (`pg_dump (PostgreSQL) 15.18 …` → 15).
    static func majorVersion(of program: URL) async throws -> Int {
        let result = try await run(program, ["--version"], environment: ProcessInfo.processInfo.environment)
        let digits = result.output.split(separator: ")").dropFirst().first?.drop(while: { $0 == " " }).prefix(while: \.isNumber) ?? ""
        guard result.status == 0, let major = Int(digits) else {
            throw BackupError.failed("\(program.path) --version said: \(result.output)\(result.errors)")
        }
        return major
    }

    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ program: URL, _ arguments: [String], environment: [String: String]) async throws -> Result {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-\(UUID().uuidString).out")
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: errors)
        }
        guard FileManager.default.createFile(atPath: output.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            FileManager.default.createFile(atPath: errors.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw BackupError.failed("could not create temporary files in \(FileManager.default.temporaryDirectory.path)") }
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let outputHandle = try FileHandle(forWritingTo: output)
        let errorHandle = try FileHandle(forWritingTo: errors)
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? outputHandle.close()
        try? errorHandle.close()
        return Result(
            status: status, output: (try? String(contentsOf: output, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
    }
}
