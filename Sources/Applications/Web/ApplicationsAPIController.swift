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
    let service: ApplicationService
    let localizer: Localizer
    let maxBody: Int

    package init(service: ApplicationService, localizer: Localizer, maxBody: Int = 1 << 20) {
        self.service = service
        self.localizer = localizer
        self.maxBody = maxBody
    }

    package static let routes: [(method: String, path: String)] = [
        ("POST", "/api/v1/applications"),
        ("GET", "/api/v1/applications"),
        ("GET", "/api/v1/applications/{reference}"),
        ("PUT", "/api/v1/applications/{reference}/files/{field}"),
        ("POST", "/api/v1/applications/{reference}/submit"),
        ("POST", "/api/v1/applications/{reference}/actions"),
        ("POST", "/api/v1/track"),
        ("GET", "/api/v1/documents/{code}"),
        ("GET", "/api/v1/document-keys"),
        ("GET", "/api/v1/procedures/{id}/form"),
    ]

    /// The reads that need a back-office token.
    package static let tokenReads = ["/api/v1/applications", "/api/v1/applications/{reference}"]

    var store: ApplicationStore { service.store }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/applications") { request, context in try await create(request, context: context) }
        router.get("/api/v1/applications") { request, context in try await list(request, context: context) }
        router.get("/api/v1/applications/:reference") { request, context in try await read(request, context: context) }
        router.put("/api/v1/applications/:reference/files/:field") { request, context in try await upload(request, context: context) }
        router.post("/api/v1/applications/:reference/submit") { request, context in try await submit(request, context: context) }
        router.post("/api/v1/applications/:reference/actions") { request, context in try await act(request, context: context) }
        router.post("/api/v1/track") { request, context in try await track(request, context: context) }
        router.get("/api/v1/documents/:code") { request, context in try await document(request, context: context) }
        router.get("/api/v1/document-keys") { request, context in try await keys(request, context: context) }
        router.get("/api/v1/procedures/:id/form") { request, context in try await form(request, context: context) }
    }

    // MARK: DTOs

    struct EventDTO: Encodable {
        let at: String
        let action: String
        let status: String
        let note: String?
        let fields: [String]?
    }

    /// What the person (or their app) sees: statuses and dates, no answers.
    struct StatusDTO: Encodable {
        let reference: String?
        let procedure: String
        let status: String
        let govstackStatus: String?
        let submittedAt: String?
        let dueAt: String?
        let requested: ChangeRequest?
        let document: String?
        let history: [EventDTO]
    }

    struct CreatedDTO: Encodable {
        let reference: String?
        let pin: String
        let status: String
        let govstackStatus: String?
        let procedure: String
        let form: Int
        let dueAt: String?
    }

    /// What an agent reads: the answers and the file list too.
    struct DetailDTO: Encodable {
        let id: String
        let reference: String?
        let procedure: String
        let institution: String
        let status: String
        let govstackStatus: String?
        let channel: String
        let revision: Int
        let assignedTo: String?
        let submittedAt: String?
        let dueAt: String?
        let overdue: Bool
        let answers: [String: String]?
        let files: [FileDTO]?
        let requested: ChangeRequest?
        let history: [EventDTO]
    }

    struct FileDTO: Encodable {
        let field: String
        let name: String
        let mediaType: String
        let size: Int
        let sha256: String
    }

    struct ListDTO: Encodable {
        let items: [DetailDTO]
        let total: Int
        let offset: Int
        let limit: Int
    }

    func events(_ id: String) async throws -> [EventDTO] {
        try await store.events(id).map { EventDTO(at: $0.at, action: $0.action, status: $0.toStatus.rawValue, note: $0.note, fields: $0.fields.isEmpty ? nil : $0.fields) }
    }

    func statusDTO(_ record: ApplicationRecord) async throws -> StatusDTO {
        let (events, document) = try await service.publicHistory(record)
        return StatusDTO(
            reference: record.reference, procedure: record.procedureId, status: record.status.rawValue, govstackStatus: record.status.govStack,
            submittedAt: record.submittedAt, dueAt: record.dueAt, requested: record.status == .actionRequired ? record.requested : nil, document: document,
            history: events.filter { $0.action != "started" }.map {
                EventDTO(at: $0.at, action: $0.action, status: $0.toStatus.rawValue, note: $0.note, fields: $0.fields.isEmpty ? nil : $0.fields)
            })
    }

    func detailDTO(_ record: ApplicationRecord, full: Bool) async throws -> DetailDTO {
        DetailDTO(
            id: record.id, reference: record.reference, procedure: record.procedureId, institution: record.institutionId, status: record.status.rawValue,
            govstackStatus: record.status.govStack, channel: record.channel.rawValue, revision: record.revision, assignedTo: record.assignedTo,
            submittedAt: record.submittedAt, dueAt: record.dueAt, overdue: record.isOverdue, answers: full ? record.answers : nil,
            files: full ? try await store.files(record.id).map { FileDTO(field: $0.field, name: $0.name, mediaType: $0.mediaType, size: $0.size, sha256: $0.sha256) } : nil,
            requested: record.requested, history: full ? try await events(record.id) : [])
    }

    func origin(_ context: AppRequestContext, _ fallback: String) -> ActionOrigin {
        ActionOrigin(actor: context.principal?.actor ?? fallback, requestId: context.requestId, address: context.clientAddress)
    }

    func body<T: Decodable>(_ request: Request, as type: T.Type) async throws -> T {
        var request = request
        return try JSONInput.decode(T.self, from: try await request.collectBody(upTo: maxBody))
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

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await body(request, as: CreateBody.self)
        guard let procedure = try await CatalogRepository(database: service.database.db).procedures(ids: [input.procedure]).first else {
            throw AppError.validation(field: "procedure", code: "procedure_not_found")
        }
        guard let form = try await service.forms.current(procedure: procedure.id) else { throw AppError.validation(field: "procedure", code: "form_not_found") }
        // The request's meaning, not its bytes: the same answers in another key order are the same request.
        let canonical = try JSONResponse.encoder.encode(CanonicalCreate(procedure: input.procedure, answers: input.answers ?? [:], submit: input.submit ?? true))
        let hash = IdempotencyKey.hash(canonical)
        guard let idempotency = try IdempotencyKey.from(request, principal: context.principal, requestHash: hash) else {
            throw AppError(.badRequest, code: "idempotency_key_required", field: "Idempotency-Key")
        }
        let filing = ApplicationService.Filing(
            channel: context.principal?.role == .centreAgent ? .assisted : .api, filedBy: context.principal?.actor, centreId: context.principal?.centres.first)
        let (record, created) = try await service.create(
            .init(
                procedure: procedure, form: form, answers: input.answers ?? [:], submit: input.submit ?? true, scope: idempotency.scope, idempotencyKey: idempotency.key,
                requestHash: hash, filing: filing), origin: origin(context, "api"))
        var response = try JSONResponse.make(
            CreatedDTO(
                reference: record.reference, pin: service.keys.pin(for: record.id), status: record.status.rawValue, govstackStatus: record.status.govStack,
                procedure: record.procedureId, form: form.number, dueAt: record.dueAt), status: created ? .created : .ok)
        response.headers[.cacheControl] = "no-store"
        if let reference = record.reference { response.headers[.location] = "/api/v1/applications/\(reference)" }
        return response
    }

    /// The application named by the address's reference, if the request proves it owns it with the PIN.
    func owned(_ request: Request, _ context: AppRequestContext) async throws -> ApplicationRecord {
        let reference = context.parameters.get("reference") ?? ""
        return try await service.track(reference: reference, pin: request.headers[.xTrackingPin] ?? "", address: context.clientAddress)
    }

    func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(request, context)
        guard let form = try await service.forms.form(id: record.formId), let field = form.definition.field(context.parameters.get("field") ?? "") else {
            throw AppError.notFound("field_not_found")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: service.maxFileBytes + 1)
        try await service.attach(
            record, field: field, filename: request.headers[.xFileName], bytes: Array(buffer.readableBytesView),
            origin: origin(context, "applicant:\(record.reference ?? "")"))
        guard let stored = try await store.files(record.id).first(where: { $0.field == field.key }) else { throw AppError(.internalServerError, code: "internal") }
        return try JSONResponse.make(FileDTO(field: stored.field, name: stored.name, mediaType: stored.mediaType, size: stored.size, sha256: stored.sha256), status: .created)
    }

    func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await owned(request, context)
        switch try await service.submit(
            applicationId: record.id, expectedRevision: record.revision, origin: origin(context, "applicant:\(record.reference ?? "")"))
        {
        case .submitted(let done): return try JSONResponse.make(try await statusDTO(done))
        case .stale: throw AppError.conflict("application_changed")
        case .incomplete(let missing):
            throw AppError(.unprocessableContent, code: "answers_missing", field: missing.first, detail: "missing: " + missing.joined(separator: ", "))
        }
    }

    struct TrackBody: Decodable {
        let reference: String
        let pin: String
    }

    func track(_ request: Request, context: AppRequestContext) async throws -> Response {
        let input = try await body(request, as: TrackBody.self)
        let record = try await service.track(reference: input.reference, pin: input.pin, address: context.clientAddress)
        var response = try JSONResponse.make(try await statusDTO(record))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: Back office

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let query = request.uri.queryParameters
        var filter = ApplicationStore.InboxFilter()
        filter.institutions = principal.isAdministrator ? nil : principal.institutions
        filter.procedure = query.get("procedure")
        if let status = query.get("status") {
            guard let value = ApplicationStatus(rawValue: status) else { throw AppError.badParameter("status", value: status) }
            filter.status = value
        }
        filter.overdueOnly = query.get("overdue") == "true"
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
        guard let reference = ApplicationReference.normalise(context.parameters.get("reference") ?? ""),
            let record = try await store.application(reference: reference), principal.actsFor(institution: record.institutionId)
        else { throw AppError.notFound("application_not_found") }
        return record
    }

    func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let record = try await scoped(context, principal)
        try await service.recordOpening(record, origin: origin(context, principal.actor))
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

    func act(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let record = try await scoped(context, principal)
        guard let header = request.headers[.ifMatch], let revision = Int(header.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))) else {
            throw AppError(.preconditionRequired, code: "if_match_required", field: "If-Match")
        }
        let input = try await body(request, as: ActionBody.self)
        guard let action = AgentAction(rawValue: input.action) else { throw AppError.validation(field: "action", code: "unknown_action") }
        let updated = try await service.act(
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

    func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = String((context.parameters.get("code") ?? "").prefix(20))
        let (result, signed) = try await DocumentSigner.verifyStored(code: code, on: service.database.sql)
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
                code: code.uppercased(), status: result.status, document: payload, payload: raw?.payload, signature: raw?.signature, revokedAt: revokedAt),
            status: result == .unknown ? .notFound : .ok)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct KeysDTO: Encodable {
        let keys: [[String: String?]]
    }

    func keys(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(KeysDTO(keys: try await DocumentSigner.publicKeys(on: service.database.sql)))
    }

    struct FormDTO: Encodable {
        let procedure: String
        let number: Int
        let procedureVersion: Int
        let definition: FormDefinition
    }

    func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let form = try await service.forms.current(procedure: context.parameters.get("id") ?? "") else { throw AppError.notFound("form_not_found") }
        return try JSONResponse.make(FormDTO(procedure: form.procedureId, number: form.number, procedureVersion: form.procedureVersion, definition: form.definition))
    }
}
