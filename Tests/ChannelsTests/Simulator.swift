// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetTesting

/// The SMS/USSD aggregator simulator (`Tools/sms-simulator.py`), run as a separate process for a test.
enum SimulatorProcess {
    static func freePort() -> Int { SimulatorProgram.freePort() }

    static func start(port: Int, guichet: String, secret: String, apiKey: String) async throws -> SimulatorProgram {
        try await SimulatorProgram(
            script: "sms-simulator.py", port: port,
            arguments: ["--guichet", guichet, "--secret", secret, "--api-key", apiKey, "--report-delay", "0.05"], ready: { $0 == "ok" })
    }
}

extension SimulatorProgram {
    /// The messages the simulated handsets received.
    func messages(to number: String? = nil) async throws -> [[String: Any]] {
        let query = number.map { "?to=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
        return (try JSONSerialization.jsonObject(with: Data(try await get("/messages" + query).utf8)) as? [[String: Any]]) ?? []
    }
}
