// SPDX-License-Identifier: MPL-2.0
/// How messages leave and come in (`GUICHET_SMS_…`, `GUICHET_CHANNELS_…`).
package struct ChannelSettings: Sendable {
    package enum Transport: String, Sendable {
        /// Writes each message, without its number, to the log (the default, and the demo's).
        case log
        /// Africa's Talking's `messaging` API (form-encoded, `apiKey` header).
        case africasTalking = "africastalking"
        /// A generic JSON webhook (`{"id","to","message","from"}`, HMAC-signed).
        case webhook
    }

    package var transport: Transport = .log
    /// The gateway's send URL (`GUICHET_SMS_URL`).
    package var url: String?
    /// The account name and key (`GUICHET_SMS_USERNAME`, `GUICHET_SMS_API_KEY`); for the webhook, the key signs the body.
    package var username: String?
    package var apiKey: String?
    /// Sender id shown on the handset (`GUICHET_SMS_SENDER`).
    package var sender: String?
    /// The secret every callback (USSD, inbound SMS, delivery reports) carries (`GUICHET_CHANNELS_SECRET`): in the
    /// `secret` query parameter of the callback URL registered with the aggregator, or the `X-Guichet-Signature` header.
    package var callbackSecret: String?
    /// Addresses allowed to call back (`GUICHET_CHANNELS_ALLOW`, comma-separated); empty: any.
    package var allowedAddresses: [String] = []
    /// Tries before a message goes to the dead letters (`GUICHET_SMS_MAX_ATTEMPTS`).
    package var maxAttempts = 6
    /// "Your turn is near" when this many people or fewer are ahead (`GUICHET_SMS_NEAR`).
    package var nearThreshold = 3
    /// How long a USSD session lives after its last screen (the aggregators close theirs after about 180 s).
    package var ussdTimeout: Double = 180
    /// Whether this process runs a delivery worker (`GUICHET_SMS_WORKER=off` to leave sending to other processes).
    package var worker = true
    /// Seconds between two looks at the outbox when it was empty.
    package var pollInterval: Double = 1
    /// Multiplies the retry delays (5 s, 10 s, 20 s… up to an hour); tests make them short (`GUICHET_SMS_RETRY_SCALE`).
    package var retryScale: Double = 1
    /// Seconds a worker's claim on a message holds before another worker may take it (a worker killed mid-send)
    /// (`GUICHET_SMS_CLAIM_SECONDS`).
    package var claimSeconds: Double = 60
    /// Messages sent at the same time, to different numbers, and webhook deliveries, to different endpoints
    /// (`GUICHET_SMS_CONCURRENCY`): a gateway answers in tens to hundreds of milliseconds, so one at a time caps the
    /// outbox at a few messages a second, and one slow endpoint held up every institution's webhooks.
    package var sendConcurrency = 8
    /// Tries of a webhook delivery before it goes to the dead letters (`GUICHET_WEBHOOK_MAX_ATTEMPTS`); the same worker
    /// switch, poll, claim and retry delays as the messages.
    package var webhookMaxAttempts = 8

    package init() {}

    package mutating func apply(_ environment: [String: String]) throws {
        if let value = environment["GUICHET_SMS_TRANSPORT"], !value.isEmpty {
            guard let transport = Transport(rawValue: value.lowercased()) else { throw ConfigurationError.invalid("GUICHET_SMS_TRANSPORT", value) }
            self.transport = transport
        }
        func text(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        url = text("GUICHET_SMS_URL") ?? url
        username = text("GUICHET_SMS_USERNAME") ?? username
        apiKey = text("GUICHET_SMS_API_KEY") ?? apiKey
        sender = text("GUICHET_SMS_SENDER") ?? sender
        callbackSecret = text("GUICHET_CHANNELS_SECRET") ?? callbackSecret
        if let allow = text("GUICHET_CHANNELS_ALLOW") {
            allowedAddresses = allow.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let value = text("GUICHET_SMS_MAX_ATTEMPTS") {
            guard let number = Int(value), (1...50).contains(number) else { throw ConfigurationError.invalid("GUICHET_SMS_MAX_ATTEMPTS", value) }
            maxAttempts = number
        }
        if let value = text("GUICHET_WEBHOOK_MAX_ATTEMPTS") {
            guard let number = Int(value), (1...50).contains(number) else { throw ConfigurationError.invalid("GUICHET_WEBHOOK_MAX_ATTEMPTS", value) }
            webhookMaxAttempts = number
        }
        if let value = text("GUICHET_SMS_NEAR") {
            guard let number = Int(value), (1...50).contains(number) else { throw ConfigurationError.invalid("GUICHET_SMS_NEAR", value) }
            nearThreshold = number
        }
        if let value = text("GUICHET_SMS_RETRY_SCALE") {
            guard let number = InputParser.decimal(value, in: 0.001...100) else { throw ConfigurationError.invalid("GUICHET_SMS_RETRY_SCALE", value) }
            retryScale = number
        }
        if let value = text("GUICHET_SMS_POLL_MS") {
            guard let number = Int(value), (10...60_000).contains(number) else { throw ConfigurationError.invalid("GUICHET_SMS_POLL_MS", value) }
            pollInterval = Double(number) / 1000
        }
        if let value = text("GUICHET_SMS_CLAIM_SECONDS") {
            guard let number = Int(value), (1...3600).contains(number) else { throw ConfigurationError.invalid("GUICHET_SMS_CLAIM_SECONDS", value) }
            claimSeconds = Double(number)
        }
        if let value = text("GUICHET_SMS_CONCURRENCY") {
            guard let number = Int(value), (1...64).contains(number) else { throw ConfigurationError.invalid("GUICHET_SMS_CONCURRENCY", value) }
            sendConcurrency = number
        }
        if let value = text("GUICHET_SMS_WORKER") { worker = value.lowercased() != "off" }
        if transport != .log {
            guard let url, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ConfigurationError.invalid("GUICHET_SMS_URL", url ?? "(missing: required by \(transport.rawValue))")
            }
            if transport == .africasTalking, username == nil || apiKey == nil {
                throw ConfigurationError.invalid("GUICHET_SMS_USERNAME/GUICHET_SMS_API_KEY", "(required by africastalking)")
            }
        }
    }
}
