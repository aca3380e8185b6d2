// SPDX-License-Identifier: MPL-2.0
import AsyncHTTPClient
import Foundation
import NIOCore

/// A simulator of an outside service (`Tools/*-simulator.py`: the SMS aggregator, the mobile-money operator), run as a
/// separate process for a test and reached over real HTTP, as Guichet reaches the real service.
package final class SimulatorProgram: @unchecked Sendable {
    let process: Process
    package let port: Int
    package var base: String { "http://127.0.0.1:\(port)" }

    /// A port for the simulator, chosen before Guichet starts (its configuration names the service's URL).
    package static func freePort() -> Int { Int.random(in: 20_000..<60_000) }

    /// The script in the repository's `Tools/` folder.
    package static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tools").appendingPathComponent(name).path
    }

    /// Starts `Tools/<script>` with `arguments` (its `--port` among them) and waits until `GET /health` answers `ready`.
    package init(script: String, port: Int, arguments: [String], ready: @escaping @Sendable (String) -> Bool) async throws {
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script(script), "--port", String(port)] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if let health = try? await get("/health"), ready(health) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw SimulatorError.didNotStart
    }

    package enum SimulatorError: Error { case didNotStart }

    /// SIGKILL: the test process's service groups ignore SIGTERM, and a child inherits that.
    package func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    package func get(_ path: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + path), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 4 << 20))
    }

    @discardableResult
    package func post(_ path: String, json: [String: Any]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }

    package func stats() async throws -> [String: Int] {
        (try JSONSerialization.jsonObject(with: Data(try await get("/stats").utf8)) as? [String: Int]) ?? [:]
    }
}
