// SPDX-License-Identifier: MPL-2.0
import AsyncHTTPClient
import Foundation
import NIOCore

/// The webhook receiver (`Tools/webhook-receiver.py`), run as a separate process for a test and reached over real
/// HTTP: it checks each delivery's signature and timestamp as an institution's system would.
final class WebhookReceiverProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tools/webhook-receiver.py").path
    }

    init(port: Int) async throws {
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--port", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if (try? await get("/health")) == "ok" { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw ReceiverError.didNotStart
    }

    enum ReceiverError: Error { case didNotStart }

    /// SIGKILL: the test process's service groups ignore SIGTERM, and a child inherits that.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func get(_ path: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + path), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 4 << 20))
    }

    /// The secret it checks signatures with, and how many tries of each delivery it answers 503.
    func configure(secret: String, failFirst: Int) async throws {
        var request = HTTPClientRequest(url: base + "/config")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["secret": secret, "failFirst": failFirst])))
        _ = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    }

    /// Every request it received, in order.
    func received() async throws -> [[String: Any]] {
        (try JSONSerialization.jsonObject(with: Data(try await get("/received").utf8)) as? [[String: Any]]) ?? []
    }
}
