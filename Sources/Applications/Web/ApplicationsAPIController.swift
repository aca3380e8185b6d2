// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Crypto
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird

/// The applications' JSON API. Filing needs no account (a citizen's app, a partner's kiosk): each create carries an
/// `Idempotency-Key`, and the answer holds the reference and tracking PIN. Files and submission of an API draft, and
/// tracking, prove ownership with the PIN in `X-Tracking-Pin` (never in the address). Back-office roles' API tokens
/// list, read (audited) and act on their institutions' applications.
package struct ApplicationsAPIController: Sendable {
    let store: ApplicationStore
    let forms: FormStore
    let drafts: Drafts
    let submissions: Submissions
    let tracking: Tracking
    let casework: Casework
    let documents: Documents
    let keys: ApplicationKeys
    let catalog: CatalogRepository

    init(module: ApplicationsModule) {
        store = module.store
        forms = module.forms
        drafts = module.drafts
        submissions = module.submissions
        tracking = module.tracking
        casework = module.casework
        documents = module.documents
        keys = module.keys
        catalog = module.catalog
    }

    /// Every route of this API, as registered and as the OpenAPI document names it.
    static let table: [(method: HTTPRequest.Method, route: Route)] = [
        (.post, ApplicationsRoute.api), (.get, ApplicationsRoute.api), (.get, ApplicationsRoute.apiItem), (.put, ApplicationsRoute.apiFile),
        (.post, ApplicationsRoute.apiSubmit), (.post, ApplicationsRoute.apiActions), (.post, ApplicationsRoute.apiTrack),
        (.get, ApplicationsRoute.apiDocument), (.get, ApplicationsRoute.apiKeys), (.get, ApplicationsRoute.apiForm),
    ]

    package static var routes: [(method: String, path: String)] { table.map { ($0.method.rawValue, $0.route.openAPIPath) } }

    /// The reads that need a back-office token.
    package static var tokenReads: [String] { [ApplicationsRoute.api.openAPIPath, ApplicationsRoute.apiItem.openAPIPath] }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(ApplicationsRoute.api, use: create)
        router.get(ApplicationsRoute.api, use: list)
        router.get(ApplicationsRoute.apiItem, use: read)
        router.put(ApplicationsRoute.apiFile, use: upload)
        router.post(ApplicationsRoute.apiSubmit, use: submit)
        router.post(ApplicationsRoute.apiActions, use: act)
        router.post(ApplicationsRoute.apiTrack, use: track)
        router.get(ApplicationsRoute.apiDocument, use: document)
        router.get(ApplicationsRoute.apiKeys, use: publicKeys)
        router.get(ApplicationsRoute.apiForm, use: form)
    }

    func origin(_ context: AppRequestContext, _ fallback: String) -> ActionOrigin {
        ActionOrigin(
            actor: context.principal?.actor ?? fallback, requestId: context.requestId, address: context.clientAddress,
            language: context.language.rawValue)
    }

    // MARK: Filing

    struct CanonicalCreate: Encodable {
        let procedure: String
        let answers: [String: String]
        let submit: Bool
    }

    struct CreateBody: Decodable {
        let procedure: String
        let answers: [String: String]?
        let submit: Bool?
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await request.decodeJSON(CreateBody.self)
        guard let procedure = try await catalog.procedures(ids: [input.procedure]).first else {
            throw AppError.validation(field: "procedure", code: "procedure_not_found")
        }
        guard let form = try await forms.current(procedure: procedure.id) else {
            throw AppError.validation(field: "procedure", code: "form_not_found")
        }
        // The request's meaning, not its bytes: the same answers in another key order are the same request.
        let canonical = try JSONResponse.encoder.encode(
            CanonicalCreate(procedure: input.procedure, answers: input.answers ?? [:], submit: input.submit ?? true))
        let hash = IdempotencyKey.hash(canonical)
        guard let idempotency = try IdempotencyKey.from(request, principal: context.principal, requestHash: hash) else {
            throw AppError(.badRequest, code: "idempotency_key_required", field: "Idempotency-Key")
        }
        let filing = Filing(
            channel: context.principal?.role == .centreAgent ? .assisted : .api, filedBy: context.principal?.actor,
            centreId: context.principal?.centres.first)
        let (record, created) = try await submissions.create(
            .init(
                procedure: procedure, form: form, answers: input.answers ?? [:], submit: input.submit ?? true, scope: idempotency.scope,
                idempotencyKey: idempotency.key,
                requestHash: hash, filing: filing), origin: origin(context, "api"))
        var response = try JSONResponse.make(
            CreatedDTO(
                reference: record.reference, pin: keys.pin(for: record.id), status: record.status.rawValue, govstackStatus: record.status.govStack,
                procedure: record.procedureId, form: form.number, dueAt: record.dueAt), status: created ? .created : .ok)
        response.headers[.cacheControl] = "no-store"
        if let reference = record.reference { response.headers[.location] = ApplicationsRoute.apiItem.path(reference) }
        return response
    }

    /// The application named by the address's reference, if the request proves it owns it with the PIN.
    func owned(_ request: Request, _ context: AppRequestContext) async throws -> ApplicationRecord {
        let reference = try context.pathValue("reference")
        // A missing or malformed PIN cannot be right: a 400 before any try is counted (the OpenAPI document requires it).
        let pin = request.headers[.xTrackingPin] ?? ""
        guard pin.utf8.count == 6, pin.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw AppError.badParameter(HTTPField.Name.xTrackingPin.rawName, value: pin)
        }
        return try await tracking.track(reference: reference, pin: pin, address: context.clientAddress)
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(request, context)
        guard let form = try await forms.form(id: record.formId), let field = form.definition.field(try context.pathValue("field")) else {
            throw AppError.notFound("field_not_found")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: drafts.maxFileBytes + 1)
        try await drafts.attach(
            record, field: field, filename: request.headers[.xFileName], bytes: Array(buffer.readableBytesView),
            origin: origin(context, "applicant:\(record.reference ?? "")"))
        guard let stored = try await store.files(record.id).first(where: { $0.field == field.key }) else {
            throw AppError(.internalServerError, code: "internal")
        }
        return try JSONResponse.make(
            FileDTO(field: stored.field, name: stored.name, mediaType: stored.mediaType, size: stored.size, sha256: stored.sha256), status: .created)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(request, context)
        switch try await submissions.submit(
            applicationId: record.id, expectedRevision: record.revision, origin: origin(context, "applicant:\(record.reference ?? "")"))
        {
        case .submitted(let done): return try JSONResponse.make(try await statusDTO(done))
        case .stale: throw AppError.conflict("application_changed")
        case .incomplete(let missing):
            throw AppError(
                .unprocessableContent, code: "answers_missing", field: missing.first, detail: "missing: " + missing.joined(separator: ", "))
        }
    }

    struct TrackBody: Decodable {
        let reference: String
        let pin: String
    }

    @Sendable func track(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await request.decodeJSON(TrackBody.self)
        let record = try await tracking.track(reference: input.reference, pin: input.pin, address: context.clientAddress)
        var response = try JSONResponse.make(try await statusDTO(record))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: Back office

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let query = request.uri.queryParameters
        var filter = ApplicationStore.InboxFilter()
        filter.institutions = principal.isAdministrator ? nil : principal.institutions
        filter.procedure = query.get("procedure")
        if let status = query.get("status") {
            guard let value = ApplicationStatus(rawValue: status) else { throw AppError.badParameter("status", value: status) }
            filter.status = value
        }
        switch query.get("overdue") {
        case nil, "false": filter.overdueOnly = false
        case "true": filter.overdueOnly = true
        case let other: throw AppError.badParameter("overdue", value: other ?? "")
        }
        let limit = try request.form.integer("limit", in: 1...100) ?? 50
        let offset = try request.form.integer("offset", in: 0...InboxController.maxOffset) ?? 0
        let (items, total) = try await store.inbox(filter, limit: limit, offset: offset)
        var list: [DetailDTO] = []
        for item in items { list.append(try await detailDTO(item, full: false)) }
        var response = try JSONResponse.make(ListDTO(items: list, total: total, offset: offset, limit: limit))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func scoped(_ context: AppRequestContext, _ principal: Principal) async throws -> ApplicationRecord {
        guard let reference = ApplicationReference.normalise(try context.pathValue("reference")),
            let record = try await store.application(reference: reference), principal.actsFor(institution: record.institutionId)
        else { throw AppError.notFound("application_not_found") }
        return record
    }

    @Sendable func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let record = try await scoped(context, principal)
        try await casework.recordOpening(record, origin: origin(context, principal.actor))
        var response = try JSONResponse.make(try await detailDTO(record, full: true))
        response.headers[.eTag] = "\"\(record.revision)\""
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct ActionBody: Decodable {
        let action: String
        let note: String?
        let fields: [String]?
        let assignee: String?
    }

    @Sendable func act(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let record = try await scoped(context, principal)
        guard let header = request.headers[.ifMatch], let revision = Int(header.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))) else {
            throw AppError(.preconditionRequired, code: "if_match_required", field: "If-Match")
        }
        let input = try await request.decodeJSON(ActionBody.self)
        guard let action = AgentAction(rawValue: input.action) else { throw AppError.validation(field: "action", code: "unknown_action") }
        let updated = try await casework.act(
            record, .init(action: action, expectedRevision: revision, note: input.note ?? "", fields: input.fields ?? [], assignee: input.assignee),
            principal: principal, origin: origin(context, principal.actor))
        var response = try JSONResponse.make(try await detailDTO(updated, full: false))
        response.headers[.eTag] = "\"\(updated.revision)\""
        return response
    }

    // MARK: Documents and forms

    struct VerificationDTO: Encodable {
        let code: String
        let status: String
        let document: DocumentPayload?
        let payload: String?
        let signature: String?
        let revokedAt: String?
    }

    @Sendable func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = String(try context.pathValue("code").prefix(20))
        let (result, signed) = try await documents.verifyStored(code: code)
        var payload: DocumentPayload?
        var revokedAt: String?
        switch result {
        case .valid(let p): payload = p
        case .revoked(let p, let at):
            payload = p
            revokedAt = at
        case .invalid, .unknown: break
        }
        // The signed bytes only for a document whose signature holds.
        let raw = payload == nil ? nil : signed
        var response = try JSONResponse.make(
            VerificationDTO(
                code: code.uppercased(), status: result.status, document: payload, payload: raw?.payload, signature: raw?.signature,
                revokedAt: revokedAt),
            status: result == .unknown ? .notFound : .ok)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct KeysDTO: Encodable {
        let keys: [[String: String?]]
    }

    @Sendable func publicKeys(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(KeysDTO(keys: try await documents.publicKeys()))
    }

    struct FormDTO: Encodable {
        let procedure: String
        let number: Int
        let procedureVersion: Int
        let definition: FormDefinition
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let form = try await forms.current(procedure: try context.pathValue("id")) else { throw AppError.notFound("form_not_found") }
        return try JSONResponse.make(
            FormDTO(procedure: form.procedureId, number: form.number, procedureVersion: form.procedureVersion, definition: form.definition))
    }
}
