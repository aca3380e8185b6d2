// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetTesting

/// The mobile-money operator simulator (`Tools/momo-simulator.py`), run as a separate process for a test.
enum MoMoSimulator {
    static let apiUser = "guichet-api-user"
    static let apiKey = "guichet-api-key"
    static let subscriptionKey = "guichet-subscription"

    static func freePort() -> Int { SimulatorProgram.freePort() }

    static func start(port: Int, callbackDelay: Double = 0.1) async throws -> SimulatorProgram {
        try await SimulatorProgram(
            script: "momo-simulator.py", port: port,
            arguments: [
                "--api-user", apiUser, "--api-key", apiKey, "--subscription-key", subscriptionKey, "--callback-delay", String(callbackDelay),
            ], ready: { $0.contains("true") })
    }
}
