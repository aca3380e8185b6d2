// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird

/// Sign-in, sign-out and the user's own password.
package struct AuthController: Sendable {
    let accounts: AccountService
    let renderer: Renderer
    let secureCookies: Bool

    package init(accounts: AccountService, renderer: Renderer, secureCookies: Bool) {
        self.accounts = accounts
        self.renderer = renderer
        self.secureCookies = secureCookies
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(AccountsRoute.signIn) { request, context in try signInPage(request, context: context) }
        router.post(AccountsRoute.signIn) { request, context in try await signIn(request, context: context) }
        router.post(AccountsRoute.signOut) { request, context in try await signOut(request, context: context, everywhere: false) }
        router.post(AccountsRoute.signOutEverywhere) { request, context in try await signOut(request, context: context, everywhere: true) }
        router.get(AccountsRoute.password) { request, context in
            _ = try context.require(Set(Role.allCases))
            return try passwordPage(request, context: context, form: FormState(), done: false)
        }
        router.post(AccountsRoute.password) { request, context in try await changePassword(request, context: context) }
    }

    func t(_ key: String, _ context: AppRequestContext) -> String { page(context).t(key) }

    func page(_ context: AppRequestContext) -> PageContext { PageContext(context, localizer: renderer.localizer, keys: "accounts") }

    /// An error code's message, with the password's minimum length.
    func message(_ code: String, _ context: AppRequestContext) -> String {
        page(context).text(key: "errors.\(code)", ["minimum": "\(AccountRules.minimumPasswordLength)"])
    }

    /// Only a back-office path of this site, never another host (`//evil.example`) or a query with data in it.
    static func safeNext(_ next: String?) -> String {
        guard let next, PathNormalizer.isSafeLocalPath(next), next == CorePaths.backOffice || next.hasPrefix(CorePaths.backOffice + "/"),
            !next.hasPrefix(AccountsRoute.signIn.path())
        else { return AccountsRoute.home.path() }
        return next
    }

    func signInPage(_ request: Request, context: AppRequestContext, form: FormState = FormState(), status: HTTPResponse.Status = .ok) throws
        -> Response
    {
        if context.principal != nil, status == .ok { return .redirect(to: AccountsRoute.home.path(), type: .normal) }
        var form = form
        if form.values["next"] == nil { form.values["next"] = Self.safeNext(request.form["next"]) }
        return try renderer.page(
            "admin-sign-in", title: t("sign_in.title", context), page: form.model, request: request, context: context, status: status)
    }

    func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let email = context.postForm["email"] ?? ""
        let password = context.postForm["password"] ?? ""
        let next = Self.safeNext(context.postForm["next"])
        var form = FormState(values: ["email": email, "next": next])
        guard !email.isEmpty, !password.isEmpty else {
            if email.isEmpty { form.add("email", t("sign_in.email_missing", context)) }
            if password.isEmpty { form.add("password", t("sign_in.password_missing", context)) }
            return try signInPage(request, context: context, form: form, status: .unprocessableContent)
        }
        switch try await accounts.signIn(email: email, password: password, address: context.clientAddress, requestId: context.requestId) {
        case .tooManyAttempts:
            form.add("email", t("sign_in.too_many", context))
            return try signInPage(request, context: context, form: form, status: .tooManyRequests)
        case .failure:
            form.add("email", t("sign_in.failed", context))
            return try signInPage(request, context: context, form: form, status: .unauthorized)
        case .success(let userId, let mustChange):
            let session = try await accounts.startSession(
                userId: userId, replacing: request.cookies[SessionCookie.name(secure: secureCookies)]?.value,
                origin: ActionOrigin(actor: "user:\(userId)", requestId: context.requestId, address: context.clientAddress))
            var response = Response.redirect(to: mustChange ? AccountsRoute.password.path() : next, type: .normal)
            response.setCookie(
                Cookie(
                    name: SessionCookie.name(secure: secureCookies), value: session.id, path: "/", secure: secureCookies, httpOnly: true,
                    sameSite: .strict))
            return response
        }
    }

    func signOut(_ request: Request, context: AppRequestContext, everywhere: Bool) async throws -> Response {
        let principal = try context.require(Set(Role.allCases))
        let origin = ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
        if everywhere {
            try await accounts.endAllSessions(userId: principal.id, origin: origin)
        } else if let cookie = request.cookies[SessionCookie.name(secure: secureCookies)]?.value {
            try await accounts.endSession(cookie, userId: principal.id, origin: origin)
        }
        var response = Response.redirect(to: AccountsRoute.signIn.path(), type: .normal)
        response.setCookie(
            Cookie(
                name: SessionCookie.name(secure: secureCookies), value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true,
                sameSite: .strict))
        return response
    }

    func passwordPage(_ request: Request, context: AppRequestContext, form: FormState, done: Bool, status: HTTPResponse.Status = .ok) throws
        -> Response
    {
        var model = form.model
        model["done"] = done
        model["mustChange"] = context.mustChangePassword
        model["minimum"] = AccountRules.minimumPasswordLength
        return try renderer.page(
            "admin-password", title: t("password.title", context), page: model, request: request, context: context, status: status)
    }

    func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(Set(Role.allCases))
        guard principal.kind == .session else { throw AppError(.forbidden, code: "forbidden") }
        let current = context.postForm["current"] ?? ""
        let new = context.postForm["password"] ?? ""
        let confirmation = context.postForm["confirmation"] ?? ""
        var form = FormState()
        if current.isEmpty { form.add("current", t("password.current_missing", context)) }
        if new.count < AccountRules.minimumPasswordLength {
            form.add("password", message("accounts.short_password", context))
        } else if new != confirmation {
            form.add("confirmation", t("password.mismatch", context))
        }
        guard form.isValid else { return try passwordPage(request, context: context, form: form, done: false, status: .unprocessableContent) }
        do {
            try await accounts.changePassword(
                userId: principal.id, current: current, new: new, keepSession: request.cookies[SessionCookie.name(secure: secureCookies)]?.value,
                origin: ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress))
        } catch let error as AppError where error.status == .unprocessableContent {
            form.add(error.field ?? "password", message(error.code, context))
            return try passwordPage(request, context: context, form: form, done: false, status: .unprocessableContent)
        }
        var context = context
        context.mustChangePassword = false
        return try passwordPage(request, context: context, form: FormState(), done: true)
    }
}
