// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird
import NIOCore
import SQLKit

/// The back office's home, users, API tokens and audit log.
package struct AdminController: Sendable {
    let accounts: AccountService
    let renderer: Renderer
    let database: any Database

    package init(accounts: AccountService, renderer: Renderer, database: any Database) {
        self.accounts = accounts
        self.renderer = renderer
        self.database = database
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(AccountsRoute.home) { request, context in
            _ = try context.require(Set(Role.allCases))
            return try renderer.page("admin-home", title: t("home.title", context), page: [String: Any](), request: request, context: context)
        }
        router.get(AccountsRoute.users) { request, context in try await usersPage(request, context: context) }
        router.get(AccountsRoute.newUser) { request, context in
            _ = try context.require(.administrator)
            return try await userForm(request, context: context, user: nil, form: FormState(values: ["role": Role.catalogEditor.rawValue]))
        }
        router.post(AccountsRoute.users) { request, context in try await createUser(request, context: context) }
        router.get(AccountsRoute.user) { request, context in
            _ = try context.require(.administrator)
            let user = try await existingUser(context)
            return try await userForm(request, context: context, user: user, form: FormState(values: values(of: user)))
        }
        router.post(AccountsRoute.user) { request, context in try await updateUser(request, context: context) }
        router.post(AccountsRoute.userReset) { request, context in
            let principal = try context.require(.administrator)
            let user = try await existingUser(context)
            let password = try await accounts.resetPassword(userId: user.id, origin: origin(principal, context))
            return try secretPage(
                request, context: context, title: t("users.reset_done", context), secret: password, note: t("users.reset_note", context),
                back: AccountsRoute.user.path(user.id))
        }
        router.get(AccountsRoute.tokens) { request, context in
            try await tokensPage(request, context: context, form: FormState(values: ["role": Role.catalogEditor.rawValue]))
        }
        router.post(AccountsRoute.tokens) { request, context in try await createToken(request, context: context) }
        router.post(AccountsRoute.tokenRevoke) { request, context in
            let principal = try context.require(.administrator)
            let id = try context.pathValue("id")
            try await accounts.revokeToken(id: id, origin: origin(principal, context))
            return Response.redirect(to: AccountsRoute.tokens.path(), type: .normal)
        }
        router.get(AccountsRoute.audit) { request, context in try await auditPage(request, context: context) }
        router.get(AccountsRoute.auditExport) { request, context in try await auditExport(request, context: context) }
    }

    func t(_ key: String, _ context: AppRequestContext) -> String { page(context).t(key) }

    /// A whole key of another catalogue section (`roles.…`, `errors.…`).
    func text(_ key: String, _ context: AppRequestContext) -> String { page(context).text(key: key) }

    func page(_ context: AppRequestContext) -> PageContext { PageContext(context, localizer: renderer.localizer, keys: "accounts") }

    func origin(_ principal: Principal, _ context: AppRequestContext) -> ActionOrigin {
        ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
    }

    // MARK: Users

    func existingUser(_ context: AppRequestContext) async throws -> UserAccount {
        guard let user = try await accounts.user(id: try context.pathValue("id")) else { throw AppError.notFound() }
        return user
    }

    func values(of user: UserAccount) -> [String: String] {
        [
            "email": user.email, "name": user.name, "role": user.role.rawValue, "institutions": user.institutions.joined(separator: " "),
            "centres": user.centres.joined(separator: " "), "disabled": user.disabled ? "on" : "",
        ]
    }

    func usersPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.administrator)
        let users = try await accounts.users().map { user -> [String: Any] in
            [
                "id": user.id, "href": AccountsRoute.user.path(user.id), "email": user.email, "name": user.name,
                "role": text("roles.\(user.role.rawValue)", context), "scope": (user.institutions + user.centres).joined(separator: ", "),
                "disabled": user.disabled,
            ]
        }
        return try renderer.page("admin-users", title: t("users.title", context), page: ["users": users], request: request, context: context)
    }

    func roleOptions(_ selected: String?, _ context: AppRequestContext) -> [[String: Any]] {
        Role.allCases.map { ["value": $0.rawValue, "label": text("roles.\($0.rawValue)", context), "selected": $0.rawValue == selected] }
    }

    func userForm(_ request: Request, context: AppRequestContext, user: UserAccount?, form: FormState, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        var model = form.model
        model["isNew"] = user == nil
        model["action"] = user.map { AccountsRoute.user.path($0.id) } ?? AccountsRoute.users.path()
        model["resetAction"] = user.map { AccountsRoute.userReset.path($0.id) } ?? ""
        model["roles"] = roleOptions(form.values["role"], context)
        model["disabled"] = form.values["disabled"] == "on"
        let title = user == nil ? t("users.new", context) : (user?.name ?? "")
        return try renderer.page("admin-user", title: title, page: model, request: request, context: context, status: status)
    }

    static func list(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\r" }).map(String.init)
    }

    func message(for error: AppError, _ context: AppRequestContext) -> String {
        page(context).text(key: "errors.\(error.code)", ["minimum": "\(AccountRules.minimumPasswordLength)"])
    }

    func createUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.administrator)
        let fields = context.postForm
        let values = [
            "email": fields["email"] ?? "", "name": fields["name"] ?? "", "role": fields["role"] ?? "", "institutions": fields["institutions"] ?? "",
            "centres": fields["centres"] ?? "",
        ]
        var form = FormState(values: values)
        guard let role = Role(rawValue: values["role"] ?? "") else {
            form.add("role", text("errors.accounts.bad_role", context))
            return try await userForm(request, context: context, user: nil, form: form, status: .unprocessableContent)
        }
        let password = Secrets.generatePassword()
        do {
            let user = try await accounts.createUser(
                .init(
                    email: values["email"] ?? "", name: values["name"] ?? "", role: role, institutions: Self.list(values["institutions"]),
                    centres: Self.list(values["centres"]), password: password, mustChangePassword: true),
                origin: origin(principal, context))
            return try secretPage(
                request, context: context, title: t("users.created", context), secret: password, note: t("users.created_note", context),
                back: AccountsRoute.user.path(user.id))
        } catch let error as AppError where error.status == .unprocessableContent {
            form.add(error.field ?? "email", message(for: error, context))
            return try await userForm(request, context: context, user: nil, form: form, status: .unprocessableContent)
        }
    }

    func updateUser(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.administrator)
        let user = try await existingUser(context)
        let fields = context.postForm
        var values = values(of: user)
        for key in ["name", "role", "institutions", "centres"] { values[key] = fields[key] ?? "" }
        values["disabled"] = fields["disabled"] == "on" ? "on" : ""
        var form = FormState(values: values)
        guard let role = Role(rawValue: values["role"] ?? "") else {
            form.add("role", text("errors.accounts.bad_role", context))
            return try await userForm(request, context: context, user: user, form: form, status: .unprocessableContent)
        }
        do {
            try await accounts.updateUser(
                id: user.id,
                change: .init(
                    name: values["name"] ?? "", role: role, institutions: Self.list(values["institutions"]), centres: Self.list(values["centres"]),
                    disabled: values["disabled"] == "on"),
                origin: origin(principal, context))
        } catch let error as AppError where error.status == .unprocessableContent {
            form.add(error.field ?? "name", message(for: error, context))
            return try await userForm(request, context: context, user: user, form: form, status: .unprocessableContent)
        }
        return .redirect(to: AccountsRoute.users.path(), type: .normal)
    }

    /// A password or token shown once; the page is never cached by the browser.
    func secretPage(_ request: Request, context: AppRequestContext, title: String, secret: String, note: String, back: String) throws -> Response {
        var response = try renderer.page(
            "admin-secret", title: title, page: ["heading": title, "secret": secret, "note": note, "back": back], request: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: Tokens

    func tokensPage(_ request: Request, context: AppRequestContext, form: FormState, status: HTTPResponse.Status = .ok) async throws -> Response {
        _ = try context.require(.administrator)
        var model = form.model
        model["tokens"] = try await accounts.tokens().map { token -> [String: Any] in
            [
                "id": token.id, "name": token.name, "role": text("roles.\(token.role.rawValue)", context), "institution": token.institution ?? "",
                "createdAt": token.createdAt.prefix(16).replacingOccurrences(of: "T", with: " "),
                "lastUsed": token.lastUsedAt.map { String($0.prefix(10)) } ?? "",
                "revoked": token.revokedAt != nil, "revokeAction": AccountsRoute.tokenRevoke.path(token.id),
            ]
        }
        model["roles"] = roleOptions(form.values["role"], context)
        return try renderer.page("admin-tokens", title: t("tokens.title", context), page: model, request: request, context: context, status: status)
    }

    func createToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.administrator)
        let fields = context.postForm
        var form = FormState(values: ["name": fields["name"] ?? "", "role": fields["role"] ?? "", "institution": fields["institution"] ?? ""])
        guard let role = Role(rawValue: fields["role"] ?? "") else {
            form.add("role", text("errors.accounts.bad_role", context))
            return try await tokensPage(request, context: context, form: form, status: .unprocessableContent)
        }
        do {
            let (_, secret) = try await accounts.createToken(
                name: fields["name"] ?? "", role: role, institution: fields["institution"], origin: origin(principal, context))
            return try secretPage(
                request, context: context, title: t("tokens.created", context), secret: secret, note: t("tokens.created_note", context),
                back: AccountsRoute.tokens.path())
        } catch let error as AppError where error.status == .unprocessableContent {
            form.add(error.field == "institutions" ? "institution" : (error.field ?? "name"), message(for: error, context))
            return try await tokensPage(request, context: context, form: form, status: .unprocessableContent)
        }
    }

    // MARK: Audit

    static let auditPageSize = 50

    func auditFilter(_ request: Request) throws -> AuditLog.Filter {
        let query = request.form
        for key in ["from", "to"] {
            if let day = query[key], !day.isEmpty, InputParser.day(day) == nil {
                throw AppError.badParameter(key, value: day)
            }
        }
        return AuditLog.Filter(
            actor: query["actor"], action: query["action"], entity: query["entity"], entityId: query["entity_id"], from: query["from"],
            to: query["to"])
    }

    func auditPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.administrator)
        let filter = try auditFilter(request)
        let before = try request.form["before"].flatMap { $0.isEmpty ? nil : $0 }.map { text -> Int in
            guard let value = Int(text), value > 0 else { throw AppError.badParameter("before", value: text) }
            return value
        }
        let records = try await AuditLog.search(filter, before: before, limit: Self.auditPageSize + 1, on: database)
        let shown = records.prefix(Self.auditPageSize)
        var filterItems = request.form.items.filter { $0.name != "before" && !$0.value.isEmpty }
        let exportQuery = filterItems.map { "\(FormQuery.encode($0.name))=\(FormQuery.encode($0.value))" }.joined(separator: "&")
        var older: String?
        if records.count > Self.auditPageSize, let last = shown.last {
            filterItems.append(("before", String(last.seq)))
            older =
                AccountsRoute.audit.path() + "?"
                + filterItems.map { "\(FormQuery.encode($0.name))=\(FormQuery.encode($0.value))" }.joined(separator: "&")
        }
        let model: [String: Any] = [
            "filter": [
                "actor": filter.actor ?? "", "action": filter.action ?? "", "entity": filter.entity ?? "", "entity_id": filter.entityId ?? "",
                "from": filter.from ?? "", "to": filter.to ?? "",
            ],
            "events": shown.map { record -> [String: Any] in
                [
                    "seq": record.seq, "time": record.occurredAt.prefix(19).replacingOccurrences(of: "T", with: " "), "actor": record.entry.actor,
                    "action": record.entry.action, "entity": record.entry.entity, "entityId": record.entry.entityId ?? "",
                    "summary": record.entry.summary,
                    "address": record.entry.address ?? "", "requestId": record.entry.requestId ?? "",
                ]
            },
            "older": older as Any, "export": AccountsRoute.auditExport.path() + (exportQuery.isEmpty ? "" : "?" + exportQuery),
        ]
        return try renderer.page("admin-audit", title: t("audit.title", context), page: model, request: request, context: context)
    }

    /// The same events as JSON lines, oldest first, each with its sequence, time, hash and previous hash, so that
    /// a copy can be checked outside Guichet.
    func auditExport(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.administrator)
        let filter = try auditFilter(request)
        var records: [AuditRecord] = []
        var before: Int?
        while true {
            let batch = try await AuditLog.search(filter, before: before, limit: 5000, on: database)
            records.append(contentsOf: batch)
            guard batch.count == 5000, let last = batch.last else { break }
            before = last.seq
        }
        try await AuditLog.append(
            origin(principal, context).entry("audit.export", entity: "audit", id: nil, summary: "\(records.count) events exported"), on: database)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var buffer = ByteBuffer()
        for record in records.reversed() {
            let line = ExportLine(record)
            buffer.writeBytes(try encoder.encode(line))
            buffer.writeString("\n")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"guichet-audit.jsonl\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }

    struct ExportLine: Encodable {
        let seq: Int
        let occurredAt: String
        let actor: String
        let action: String
        let entity: String
        let entityId: String?
        let summary: String
        let requestId: String?
        let address: String?
        let previousHash: String
        let hash: String

        enum CodingKeys: String, CodingKey {
            case seq, actor, action, entity, summary, address, hash
            case occurredAt = "occurred_at"
            case entityId = "entity_id"
            case requestId = "request_id"
            case previousHash = "prev_hash"
        }

        init(_ record: AuditRecord) {
            seq = record.seq
            occurredAt = record.occurredAt
            actor = record.entry.actor
            action = record.entry.action
            entity = record.entry.entity
            entityId = record.entry.entityId
            summary = record.entry.summary
            requestId = record.entry.requestId
            address = record.entry.address
            previousHash = record.previousHash
            hash = record.hash
        }
    }
}
