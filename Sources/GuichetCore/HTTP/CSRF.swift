// SPDX-License-Identifier: MPL-2.0
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// Guards every form that changes state. A signed-in user's token belongs to their session (set by the session
/// middleware before this one runs); a visitor's is bound to a random id kept in the `guichet_csrf` cookie
/// (`__Host-guichet_csrf` over HTTPS): the token is an HMAC of that id under the site's secret, so a value chosen by the
/// client is worth nothing (the kiosk, feedback and application forms). A POST, PUT, PATCH or DELETE outside `/api/`
/// must send it back as `_csrf` (form field, or `X-CSRF-Token`); a missing or wrong token is a 403 and the handler
/// never runs.
///
/// Form bodies (`application/x-www-form-urlencoded`) are read here once and handed on as `context.postForm`;
/// `multipart/form-data` bodies only on the routes that take files (`UploadRoutes`), parsed by MultipartKit.
/// The JSON API is exempt: its writes take a bearer token, never a cookie; so are the gateways' callbacks (`/channels/`, `/payments/callback`),
/// which carry the deployment's callback secret.
package struct CSRFMiddleware: RouterMiddleware {
    package static let cookieName = "guichet_csrf"
    package static let fieldName = "_csrf"
    /// Set by the renderer on a page whose HTML carries the token; removed before the response leaves.
    package static let usedHeader = HTTPField.Name.xGuichetCSRFUsed
    let secureCookies: Bool
    let maxFormSize: Int
    let uploads: UploadRoutes
    let secret: SymmetricKey

    package init(secureCookies: Bool, secret: SymmetricKey, maxFormSize: Int = 1 << 20, uploads: UploadRoutes = UploadRoutes()) {
        self.secureCookies = secureCookies
        self.secret = secret
        self.maxFormSize = maxFormSize
        self.uploads = uploads
    }

    /// `__Host-` over HTTPS: the browser then refuses the cookie from a subdomain or without `Secure` and `Path=/`.
    package static func cookieName(secure: Bool) -> String { secure ? "__Host-" + cookieName : cookieName }

    /// The visitor's token for a cookie id.
    package func visitorToken(_ id: String) -> String {
        Self.visitorToken(id, secret: secret)
    }

    static func visitorToken(_ id: String, secret: SymmetricKey) -> String {
        base64url(Data(HMAC<SHA256>.authenticationCode(for: Data("visitor-csrf|\(id)".utf8), using: secret)))
    }

    package func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path  // made anew by each `uri.path`
        if path.hasPrefix(CorePaths.apiPrefix) || path.hasPrefix(CorePaths.callbackPrefix) || path.hasPrefix(CorePaths.paymentCallbackPrefix) {
            return try await next(request, context)
        }
        var context = context
        var request = request
        let cookieName = Self.cookieName(secure: secureCookies)
        if context.csrf == nil {
            // Drawn (HMAC, and a new id when the visitor has none) only if a page renders a form or a write checks it.
            let known = (request.cookies[cookieName]?.value).flatMap { $0.utf8.count == 43 ? $0 : nil }
            context.csrf = CSRFToken(visitor: known, secret: secret)
        }
        if Self.checks(request.method) {
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            var sent = request.headers[.xCSRFToken]
            if contentType.hasPrefix("application/x-www-form-urlencoded") {
                let body = try await request.collectBody(upTo: maxFormSize)
                let form = FormQuery(String(buffer: body))
                context.postForm = form
                sent = sent ?? form[Self.fieldName]
            } else if contentType.hasPrefix("multipart/form-data") {
                // Only a route that takes files reads a multipart body, and only up to its own limit.
                guard let limit = uploads.limit(forEndpoint: context.endpointPath) else {
                    throw AppError(.unsupportedMediaType, code: "multipart_not_accepted")
                }
                let body = try await request.collectBody(upTo: limit)
                if let multipart = MultipartForm(body: body, contentType: request.headers[.contentType] ?? "") {
                    context.multipart = multipart
                    context.postForm = multipart.fields
                    sent = sent ?? context.postForm[Self.fieldName]
                } else {
                    throw AppError(.badRequest, code: "bad_multipart")
                }
            }
            guard let sent, let expected = context.csrfToken, Self.constantTimeEqual(sent, expected) else {
                throw AppError(.forbidden, code: "csrf")
            }
            if NULCharacter.inForm(context.postForm) || context.multipart?.parts.contains(where: { $0.filename?.utf8.contains(0) == true }) == true {
                throw NULCharacter.refused
            }
        }
        var response = try await next(request, context)
        // The visitor's cookie is set only by a page that holds a form: reading the catalogue sets no cookie.
        guard response.headers[Self.usedHeader] != nil else { return response }
        response.headers[Self.usedHeader] = nil
        if let newCookie = context.csrf?.newCookie {
            response.setCookie(
                Cookie(name: cookieName, value: newCookie, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax))
        }
        return response
    }

    /// The methods that change state and must carry the token.
    static func checks(_ method: HTTPRequest.Method) -> Bool {
        switch method {
        case .post, .put, .patch, .delete: true
        default: false
        }
    }

    /// 32 random bytes, base64url without padding (43 characters).
    package static func newToken() -> String {
        base64url(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// Base64 with `-` and `_` for `+` and `/`, without padding: the standard encoding's bytes mapped in one pass.
    package static func base64url(_ bytes: Data) -> String {
        var encoded = Array(bytes.base64EncodedString().utf8)
        while encoded.last == UInt8(ascii: "=") { encoded.removeLast() }
        let mapped = encoded.map { byte in
            byte == UInt8(ascii: "+") ? UInt8(ascii: "-") : byte == UInt8(ascii: "/") ? UInt8(ascii: "_") : byte
        }
        return String(decoding: mapped, as: UTF8.self)
    }

    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// A request's CSRF token: a session's, known at once, or a visitor's, drawn on first use (rendered in a form or checked
/// against a write) with, for a visitor without the cookie, the new id the response must set.
package final class CSRFToken: Sendable {
    /// For a visitor: the id of their cookie (nil: none yet, one is drawn) and the site's secret.
    private let visitor: (id: String?, secret: SymmetricKey)?
    private let drawn: NIOLockedValueBox<(token: String, newCookie: String?)?>

    package init(value: String) {
        visitor = nil
        drawn = NIOLockedValueBox((value, nil))
    }

    /// A visitor's token, drawn on first read from the cookie's id, or from a new id when `id` is nil.
    package init(visitor id: String?, secret: SymmetricKey) {
        visitor = (id, secret)
        drawn = NIOLockedValueBox(nil)
    }

    package var value: String {
        drawn.withLockedValue { drawn in
            if let drawn { return drawn.token }
            var made: (token: String, newCookie: String?) = (token: "", newCookie: nil)
            if let visitor {
                let id = visitor.id ?? CSRFMiddleware.newToken()
                made = (token: CSRFMiddleware.visitorToken(id, secret: visitor.secret), newCookie: visitor.id == nil ? id : nil)
            }
            drawn = made
            return made.token
        }
    }

    /// Whether the token was drawn (read) during this request.
    package var isDrawn: Bool { drawn.withLockedValue { $0 != nil } }

    /// The visitor id drawn for this request, which the response sets as the cookie: nil when the visitor had one,
    /// for a session, or when the token was never drawn.
    package var newCookie: String? { drawn.withLockedValue { $0?.newCookie } }
}
