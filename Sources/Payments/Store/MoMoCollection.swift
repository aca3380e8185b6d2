// SPDX-License-Identifier: MPL-2.0
import AsyncHTTPClient
import Foundation
import GuichetCore
import NIOCore
import NIOHTTP1

/// What an operator says of a request to pay.
package enum ProviderStatus: Sendable, Equatable {
    /// Waiting for the person's approval on the handset.
    case pending
    case successful(transaction: String?)
    case failed(reason: String)
    /// The operator does not know this reference: the request never reached it.
    case unknown
}

/// What became of sending a request to pay.
package enum RequestOutcome: Sendable, Equatable {
    /// The operator took it (202), or already had it (409 on the same reference): the answer comes by callback or poll.
    case accepted
    /// Refused for good (a wrong number, a wrong amount): nothing was charged.
    case refused(reason: String)
    /// Not known to have arrived (a timeout, a 5xx): the status poll will tell.
    case uncertain(reason: String)
}

/// One mobile-money operator or aggregator: a request to pay under our reference id, and its status.
package protocol PaymentProvider: Sendable {
    func requestToPay(reference: String, amount: Int, currency: String, phone: String, externalId: String, note: String) async -> RequestOutcome
    func status(reference: String) async throws -> ProviderStatus
}

/// MTN MoMo's Collection API as documented ("request to pay"): a token from `/collection/token/` (Basic auth with the
/// API user and key, and the subscription key), then `POST /collection/v1_0/requesttopay` with our `X-Reference-Id`
/// (a UUID, unique per request: the operator refuses a second one with 409, so a retry never charges twice) and the
/// callback URL, and `GET /collection/v1_0/requesttopay/{id}` for the status.
package struct MoMoCollection: PaymentProvider {
    let settings: PaymentSettings
    let client: HTTPClient
    let token = TokenCache()
    static let timeout: TimeAmount = .seconds(10)

    package init(settings: PaymentSettings, client: HTTPClient = .shared) {
        self.settings = settings
        self.client = client
    }

    /// The bearer token, fetched again a minute before it expires.
    final class TokenCache: @unchecked Sendable {
        let lock = NSLock()
        var value: (token: String, until: Date)?

        func get() -> String? {
            lock.withLock { value.flatMap { $0.until > Date() ? $0.token : nil } }
        }

        func set(_ token: String, seconds: Double) {
            lock.withLock { value = (token, Date().addingTimeInterval(max(0, seconds - 60))) }
        }

        func clear() { lock.withLock { value = nil } }
    }

    struct ProviderError: Error, CustomStringConvertible {
        let description: String
    }

    var base: String { (settings.url ?? "").hasSuffix("/") ? String((settings.url ?? "").dropLast()) : settings.url ?? "" }

    func bearer() async throws -> String {
        if let cached = token.get() { return cached }
        var request = HTTPClientRequest(url: base + "/collection/token/")
        request.method = .POST
        let credentials = Data("\(settings.apiUser ?? ""):\(settings.apiKey ?? "")".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Ocp-Apim-Subscription-Key", value: settings.subscriptionKey ?? "")
        let response = try await client.execute(request, timeout: Self.timeout)
        let body = try await response.body.collect(upTo: 64 * 1024)
        guard response.status == .ok,
            let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let access = object["access_token"] as? String
        else { throw ProviderError(description: "token: HTTP \(response.status.code)") }
        token.set(access, seconds: (object["expires_in"] as? Double) ?? Double((object["expires_in"] as? Int) ?? 300))
        return access
    }

    func authorised(_ url: String, method: HTTPMethod) async throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(try await bearer())")
        request.headers.add(name: "Ocp-Apim-Subscription-Key", value: settings.subscriptionKey ?? "")
        request.headers.add(name: "X-Target-Environment", value: settings.environment)
        return request
    }

    package func requestToPay(reference: String, amount: Int, currency: String, phone: String, externalId: String, note: String) async
        -> RequestOutcome
    {
        do {
            var request = try await authorised(base + "/collection/v1_0/requesttopay", method: .POST)
            request.headers.add(name: "X-Reference-Id", value: reference)
            if let callback = settings.callbackBase {
                request.headers.add(
                    name: "X-Callback-Url",
                    value: callback + PaymentsRoute.callback.path() + "?secret=" + FormQuery.encode(settings.callbackSecret ?? ""))
            }
            request.headers.add(name: "Content-Type", value: "application/json")
            let object: [String: Any] = [
                "amount": String(amount), "currency": currency, "externalId": externalId,
                "payer": ["partyIdType": "MSISDN", "partyId": String(phone.drop { $0 == "+" })], "payerMessage": note, "payeeNote": note,
            ]
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
            let response = try await client.execute(request, timeout: Self.timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            switch response.status.code {
            case 200..<300, 409: return .accepted
            case 401:
                token.clear()
                return .uncertain(reason: "HTTP 401")
            case 400..<500: return .refused(reason: "HTTP \(response.status.code)")
            default: return .uncertain(reason: "HTTP \(response.status.code)")
            }
        } catch {
            return .uncertain(reason: "transport: \(String(describing: error).prefix(120))")
        }
    }

    package func status(reference: String) async throws -> ProviderStatus {
        let request = try await authorised(base + "/collection/v1_0/requesttopay/" + reference, method: .GET)
        let response = try await client.execute(request, timeout: Self.timeout)
        let body = try await response.body.collect(upTo: 64 * 1024)
        if response.status == .notFound { return .unknown }
        if response.status == .unauthorized { token.clear() }
        guard response.status == .ok, let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw ProviderError(description: "status: HTTP \(response.status.code)")
        }
        switch (object["status"] as? String ?? "").uppercased() {
        case "SUCCESSFUL": return .successful(transaction: object["financialTransactionId"] as? String)
        case "FAILED", "REJECTED", "TIMEOUT": return .failed(reason: (object["reason"] as? String) ?? "FAILED")
        default: return .pending
        }
    }
}
