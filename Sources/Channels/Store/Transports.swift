// SPDX-License-Identifier: MPL-2.0
import AsyncHTTPClient
import Crypto
import Foundation
import GuichetCore
import Logging
import NIOCore
import NIOHTTP1

/// The demo's and the default transport: each message goes to the log, without its number; the id is made up here.
package struct LogTransport: SMSTransport {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func send(_ message: OutgoingMessage) async -> SendOutcome {
        logger.info("sms (log transport)", metadata: ["outbox": "\(message.id)", "event": "\(message.event)", "text": "\(message.body)"])
        return .accepted(providerId: "log-\(message.id)")
    }
}

/// The gateways reached over HTTP: Africa's Talking's documented `messaging` API (form fields `username`, `to`,
/// `message`, `from`; the key in the `apiKey` header; recipients' `statusCode` and `messageId` in the answer), or a
/// generic JSON webhook signed with HMAC-SHA256. Every request carries the outbox id as `Idempotency-Key`, so a retry
/// after a timeout is recognised by a gateway that honours it (the simulator does) rather than sent twice.
package struct HTTPTransport: SMSTransport {
    let settings: ChannelSettings
    let client: HTTPClient
    let logger: Logger
    static let timeout: TimeAmount = .seconds(10)

    package init(settings: ChannelSettings, client: HTTPClient = .shared, logger: Logger) {
        self.settings = settings
        self.client = client
        self.logger = logger
    }

    package func send(_ message: OutgoingMessage) async -> SendOutcome {
        guard let url = settings.url else { return .rejected(reason: "no gateway URL") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: message.id)
        let body: String
        switch settings.transport {
        case .africasTalking:
            var fields = [("username", settings.username ?? ""), ("to", message.phone), ("message", message.body)]
            if let sender = settings.sender { fields.append(("from", sender)) }
            body = FormEncoding.encode(fields)
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.headers.add(name: "apiKey", value: settings.apiKey ?? "")
        case .webhook, .log:
            var object: [String: String] = ["id": message.id, "to": message.phone, "message": message.body]
            if let sender = settings.sender { object["from"] = sender }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            body = String(decoding: data, as: UTF8.self)
            request.headers.add(name: "Content-Type", value: "application/json")
            let timestamp = String(Date().timeIntervalSince1970.clampedInt(.towardZero))
            request.headers.add(name: "X-Guichet-Timestamp", value: timestamp)
            request.headers.add(name: "X-Guichet-Signature", value: "sha256=" + Signature.hmac(timestamp + "." + body, key: settings.apiKey ?? ""))
        }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: Self.timeout)
            let bytes = try await response.body.collect(upTo: 64 * 1024)
            let text = String(buffer: bytes)
            guard (200..<300).contains(response.status.code) else {
                let reason = "HTTP \(response.status.code)"
                // 4xx other than 408/429: the request itself is wrong, a retry would be refused the same way.
                if (400..<500).contains(response.status.code), response.status.code != 408, response.status.code != 429 {
                    return .rejected(reason: reason)
                }
                return .retry(reason: reason)
            }
            return Self.outcome(of: text, transport: settings.transport)
        } catch {
            return .retry(reason: "transport: \(String(describing: error).prefix(120))")
        }
    }

    /// Reads the gateway's answer: Africa's Talking's `SMSMessageData.Recipients[0]`, or the webhook's `messageId`.
    static func outcome(of text: String, transport: ChannelSettings.Transport) -> SendOutcome {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            return .retry(reason: "unreadable answer")
        }
        if transport == .africasTalking {
            guard let data = object["SMSMessageData"] as? [String: Any], let recipients = data["Recipients"] as? [[String: Any]],
                let first = recipients.first
            else { return .retry(reason: "no recipient in answer") }
            let code = (first["statusCode"] as? Int) ?? 0
            let status = (first["status"] as? String) ?? "?"
            if [100, 101, 102].contains(code), let id = first["messageId"] as? String, !id.isEmpty { return .accepted(providerId: id) }
            // 405 (balance), 500–502 (gateway) may pass; the number's own problems will not.
            if [405, 500, 501, 502].contains(code) { return .retry(reason: "\(code) \(status)") }
            return .rejected(reason: "\(code) \(status)")
        }
        guard let id = object["messageId"] as? String, !id.isEmpty else { return .retry(reason: "no messageId in answer") }
        return .accepted(providerId: id)
    }
}

/// `application/x-www-form-urlencoded`, as the gateways read it.
enum FormEncoding {
    static let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }
}

/// HMAC-SHA256 as hex, for webhook bodies and callback checks.
package enum Signature {
    package static func hmac(_ text: String, key: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(key.utf8))).hexLowercase
    }
}
