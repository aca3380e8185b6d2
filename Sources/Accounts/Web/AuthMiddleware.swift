// SPDX-License-Identifier: MPL-2.0
import GuichetCore
import HTTPTypes
import Hummingbird
import NIOCore

/// Finds who is asking: the session cookie for pages, the bearer token for the JSON API. Runs before the CSRF
/// middleware, which then expects the session's own token. An unknown or expired cookie is simply ignored (the
/// visitor is signed out); an unknown or revoked bearer token is a 401, so a machine client learns at once.
package struct AuthMiddleware: RouterMiddleware {
    let accounts: AccountService
    let trustForwardedFor: Bool
    let secureCookies: Bool

    package init(accounts: AccountService, trustForwardedFor: Bool, secureCookies: Bool = false) {
        self.accounts = accounts
        self.trustForwardedFor = trustForwardedFor
        self.secureCookies = secureCookies
    }

    package func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.clientAddress = clientAddress(request, context: context)
        if request.uri.path.hasPrefix(CorePaths.apiPrefix) {
            if let authorization = request.headers[.authorization] {
                guard authorization.hasPrefix("Bearer "),
                    let principal = try await accounts.principal(bearer: String(authorization.dropFirst("Bearer ".count)))
                else { throw AppError(.unauthorized, code: "bad_token") }
                context.principal = principal
            }
            return try await next(request, context)
        }
        if let cookie = request.cookies[SessionCookie.name(secure: secureCookies)]?.value, let session = try await accounts.session(cookie) {
            context.principal = session.principal
            context.csrfToken = session.csrfToken
            context.mustChangePassword = session.mustChangePassword
            let path = request.uri.path
            if session.mustChangePassword, path.hasPrefix(CorePaths.backOffice),
                ![AccountsRoute.password, AccountsRoute.signOut, AccountsRoute.signIn].map(\.pattern).contains(path)
            {
                // A password reset by an administrator is changed before anything else.
                return .redirect(to: AccountsRoute.password.path(), type: .normal)
            }
        }
        return try await next(request, context)
    }

    func clientAddress(_ request: Request, context: AppRequestContext) -> String? {
        if trustForwardedFor, let forwarded = request.headers[.xForwardedFor] {
            return forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return context.channelAddress
    }
}
