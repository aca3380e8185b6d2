// SPDX-License-Identifier: MPL-2.0
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

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
        Self.base64url(Data(HMAC<SHA256>.authenticationCode(for: Data("visitor-csrf|\(id)".utf8), using: secret)))
    }

    package func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        if request.uri.path.hasPrefix(CorePaths.apiPrefix) || request.uri.path.hasPrefix(CorePaths.callbackPrefix)
            || request.uri.path.hasPrefix(CorePaths.paymentCallbackPrefix)
        {
            return try await next(request, context)
        }
        var context = context
        var request = request
        var newCookie: String?
        let cookieName = Self.cookieName(secure: secureCookies)
        if context.csrfToken == nil {
            if let id = request.cookies[cookieName]?.value, id.utf8.count == 43 {
                context.csrfToken = visitorToken(id)
            } else {
                let id = Self.newToken()
                context.csrfToken = visitorToken(id)
                newCookie = id
            }
        }
        if [.post, .put, .patch, .delete].contains(request.method) {
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
        let used = response.headers[Self.usedHeader] != nil
        response.headers[Self.usedHeader] = nil
        if let newCookie, used {
            response.setCookie(
                Cookie(name: cookieName, value: newCookie, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax))
        }
        return response
    }

    /// 32 random bytes, base64url without padding (43 characters).
    package static func newToken() -> String {
        base64url(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    static func base64url(_ bytes: Data) -> String {
        bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
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
