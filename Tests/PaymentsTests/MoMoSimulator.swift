// SPDX-License-Identifier: MPL-2.0
import AsyncHTTPClient
import Foundation
import NIOCore

/// The mobile-money operator simulator (`Tools/momo-simulator.py`), run as a separate process for a test and reached
/// over real HTTP, as Guichet reaches it.
final class MoMoSimulator: @unchecked Sendable {
    let process: Process
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }
    static let apiUser = "guichet-api-user"
    static let apiKey = "guichet-api-key"
    static let subscriptionKey = "guichet-subscription"

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tools/momo-simulator.py").path
    }

    static func freePort() -> Int { Int.random(in: 20_000..<60_000) }

    init(port: Int, callbackDelay: Double = 0.1) async throws {
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Self.script, "--port", String(port), "--api-user", Self.apiUser, "--api-key", Self.apiKey, "--subscription-key",
            Self.subscriptionKey, "--callback-delay", String(callbackDelay),
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if (try? await get("/health"))?.contains("true") == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw SimulatorError.didNotStart
    }

    enum SimulatorError: Error { case didNotStart }

    /// SIGKILL: the test process's service groups ignore SIGTERM, and a child inherits that.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func get(_ path: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + path), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 4 << 20))
    }

    @discardableResult
    func post(_ path: String, json: [String: Any]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }

    func stats() async throws -> [String: Int] {
        (try JSONSerialization.jsonObject(with: Data(try await get("/stats").utf8)) as? [String: Int]) ?? [:]
    }
}
