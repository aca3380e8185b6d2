// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// The demo's mobile-money operator: the simulator program of the repository (`Tools/momo-simulator.py`), started as
/// a child process on a free port when `serve --demo` runs without `GUICHET_PAY_URL`, so that the demo's fees can be
/// paid end to end. Every payment page then says that the operator is simulated. Without Python or the script (an
/// installed binary), the demo's fees are paid at a counter only.
enum DemoOperator {
    static var script: String? {
        let candidates = [
            FileManager.default.currentDirectoryPath + "/Tools/momo-simulator.py",
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Tools/momo-simulator.py").path,
        ]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// Starts the simulator and points the payments at it; the process stops with the server.
    static func start(_ configuration: inout AppConfiguration) -> Process? {
        guard configuration.demo, configuration.payments.url == nil, let script else { return nil }
        let key = CSRFMiddleware.newToken()
        let subscription = CSRFMiddleware.newToken()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Three seconds before the simulated handset approves: long enough to see the page that waits for it.
        // Each value joined to its option by "=": a random key may begin with "-", which argparse would take for an option.
        process.arguments = [
            "python3", script, "--port=0", "--api-user=guichet-demo", "--api-key=\(key)", "--subscription-key=\(subscription)",
            "--callback-delay=3", "--exit-with-parent",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Its first line names the port it listens on (read to its end: a pipe may hand it over in pieces).
        var first = Data()
        while !first.contains(UInt8(ascii: "\n")) {
            let piece = output.fileHandleForReading.availableData
            if piece.isEmpty { break }
            first.append(piece)
        }
        guard let line = String(data: first, encoding: .utf8)?.split(separator: "\n").first.map(String.init),
            let address = line.split(separator: " ").last.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }), address.hasPrefix("http://")
        else {
            process.terminate()
            return nil
        }
        configuration.payments.url = address
        configuration.payments.apiUser = "guichet-demo"
        configuration.payments.apiKey = key
        configuration.payments.subscriptionKey = subscription
        configuration.payments.callbackBase = "http://\(configuration.host == "0.0.0.0" ? "127.0.0.1" : configuration.host):\(configuration.port)"
        configuration.payments.callbackSecret = CSRFMiddleware.newToken()
        configuration.payments.simulated = true
        return process
    }
}
