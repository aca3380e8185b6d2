// SPDX-License-Identifier: MPL-2.0
/// How fees are paid online (`GUICHET_PAY_…`): one mobile-money collection API in the shape of MTN MoMo's "request to
/// pay", reached directly or through an aggregator, offering the operators each country lists.
package struct PaymentSettings: Sendable {
    /// The collection API's base URL (`GUICHET_PAY_URL`, e.g. `https://sandbox.momodeveloper.mtn.com`); none: fees are
    /// paid at a counter only.
    package var url: String?
    /// The API user and key (`GUICHET_PAY_API_USER`, `GUICHET_PAY_API_KEY`) and the subscription key
    /// (`GUICHET_PAY_SUBSCRIPTION_KEY`).
    package var apiUser: String?
    package var apiKey: String?
    package var subscriptionKey: String?
    /// `X-Target-Environment` (`GUICHET_PAY_ENVIRONMENT`: `sandbox`, `mtnsenegal`…).
    package var environment = "sandbox"
    /// Guichet's address as the operator reaches it, for the callback URL (`GUICHET_PAY_CALLBACK_URL`, e.g.
    /// `https://guichet.example.sn`); none: no callback, the status is polled.
    package var callbackBase: String?
    /// The secret the callback URL carries (`GUICHET_PAY_CALLBACK_SECRET`).
    package var callbackSecret: String?
    /// The operators people may choose, per country (`GUICHET_PAY_OPERATORS=SN:orange-money,wave,free-money;TG:tmoney,flooz`).
    package var operators: [String: [String]] = [
        "SN": ["orange-money", "wave", "free-money"], "TG": ["tmoney", "flooz"], "CG": ["mtn-momo", "airtel-money"],
    ]
    /// Seconds a request to pay waits for the person's approval before it expires (`GUICHET_PAY_EXPIRY_SECONDS`).
    package var expirySeconds: Double = 300
    /// Seconds without a callback before the status is asked (`GUICHET_PAY_POLL_SECONDS`).
    package var pollSeconds: Double = 15
    /// Whether this process runs the payments worker (status polls, expiries) (`GUICHET_PAY_WORKER=off`).
    package var worker = true
    /// The demo's payments go to the simulator: every page says so.
    package var simulated = false

    package init() {}

    package var isOnline: Bool { url != nil }

    package mutating func apply(_ environment: [String: String]) throws {
        func text(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        url = text("GUICHET_PAY_URL") ?? url
        apiUser = text("GUICHET_PAY_API_USER") ?? apiUser
        apiKey = text("GUICHET_PAY_API_KEY") ?? apiKey
        subscriptionKey = text("GUICHET_PAY_SUBSCRIPTION_KEY") ?? subscriptionKey
        self.environment = text("GUICHET_PAY_ENVIRONMENT") ?? self.environment
        callbackBase = text("GUICHET_PAY_CALLBACK_URL") ?? callbackBase
        callbackSecret = text("GUICHET_PAY_CALLBACK_SECRET") ?? callbackSecret
        if let value = text("GUICHET_PAY_OPERATORS") {
            var parsed: [String: [String]] = [:]
            for part in value.split(separator: ";") {
                let pieces = part.split(separator: ":", maxSplits: 1)
                guard pieces.count == 2, pieces[0].count == 2 else { throw ConfigurationError.invalid("GUICHET_PAY_OPERATORS", value) }
                let names = pieces[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.count <= 40 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
                else { throw ConfigurationError.invalid("GUICHET_PAY_OPERATORS", value) }
                parsed[pieces[0].uppercased()] = names
            }
            operators = parsed
        }
        if let value = text("GUICHET_PAY_EXPIRY_SECONDS") {
            guard let number = Int(value), (10...86_400).contains(number) else {
                throw ConfigurationError.invalid("GUICHET_PAY_EXPIRY_SECONDS", value)
            }
            expirySeconds = Double(number)
        }
        if let value = text("GUICHET_PAY_POLL_SECONDS") {
            guard let number = Int(value), (1...3600).contains(number) else { throw ConfigurationError.invalid("GUICHET_PAY_POLL_SECONDS", value) }
            pollSeconds = Double(number)
        }
        if let value = text("GUICHET_PAY_WORKER") { worker = value.lowercased() != "off" }
        if let url {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ConfigurationError.invalid("GUICHET_PAY_URL", url) }
            guard apiUser != nil, apiKey != nil, subscriptionKey != nil else {
                throw ConfigurationError.invalid(
                    "GUICHET_PAY_API_USER/GUICHET_PAY_API_KEY/GUICHET_PAY_SUBSCRIPTION_KEY", "(required with GUICHET_PAY_URL)")
            }
        }
    }
}
