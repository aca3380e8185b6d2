// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// The GovStack Registration API's operator reads: application files and tasks (an open application is one task, its
/// review), for a back-office token or session scoped to the institution (administrators: every one). Reading one file or
/// task shows its answers and is written to the audit log.
struct GovStackOperatorController: Sendable {
    let services: GovStackController
    let files: any RegistrationFiles

    static let routes: [(method: String, path: String)] = [
        ("GET", "/api/govstack/v1/applications"), ("GET", "/api/govstack/v1/applications/{id}"), ("GET", "/api/govstack/v1/tasks"),
        ("GET", "/api/govstack/v1/tasks/{id}"), ("POST", "/api/govstack/v1/tasks/{id}/complete"), ("PUT", "/api/govstack/v1/applications/{id}"),
        ("GET", "/api/govstack/v1/applications/{id}/documents/{field}"),
    ]
    /// The reads that need a back-office token.
    static let tokenReads = routes.filter { $0.method == "GET" }.map(\.path)
    static let maxResults = 100

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(InsightsRoute.govStackApplications, use: applications)
        router.get(InsightsRoute.govStackApplication, use: application)
        router.get(InsightsRoute.govStackTasks, use: tasks)
        router.get(InsightsRoute.govStackTask, use: task)
        router.post(InsightsRoute.govStackTaskComplete, use: complete)
        router.put(InsightsRoute.govStackApplication, use: update)
    }

    /// What makes two corrections the same.
    struct CanonicalCorrection: Encodable {
        let file: String
        let answers: [String: String]
        let documents: [String: String]
    }

    /// The specification's `updateApplicationFileForm`, in Guichet's model: an operator corrects an application its
    /// institution sent back (SENDBACK), in the fields that were sent back only (`formData.data`, documents as on filing),
    /// and it is PENDING again as after the applicant's correction. `applicantId` is required by the specification and
    /// not used. Any other state is a 409, unless the same correction already went through (then it answers the same).
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let id = try context.pathValue()
        let body = try await request.decodeJSON(GovStackSubmission.Body.self, upTo: 262_144)
        let applicant = body.applicantId.trimmingCharacters(in: .whitespaces)
        guard !applicant.isEmpty, applicant.count <= 200 else { throw AppError.validation(field: "applicantId", code: "govstack_applicant") }
        guard id.utf8.count <= 64,
            let current = try await files.summary(id: id, institutions: Self.scope(principal))
        else { throw AppError.notFound() }
        if let eFormId = body.formData?.eFormId, eFormId != String(current.formId) {
            throw AppError.validation(field: "formData.eFormId", code: "govstack_form")
        }
        let form = try await services.forms.form(id: current.formId)
        let (answers, documents) = try GovStackSubmission.documents(
            answers: (body.formData?.data ?? [:]).mapValues(\.value), documentUrls: body.documentUrls ?? [], fields: form?.fields ?? [],
            candidates: Set(current.sentBack))
        let hash = IdempotencyKey.hash(try JSONResponse.encoder.encode(CanonicalCorrection(file: current.id, answers: answers, documents: documents)))
        guard
            let (file, _) = try await files.correct(
                id: current.id, answers: answers, documents: documents, requestHash: hash, principal: principal, requestId: context.requestId,
                address: context.clientAddress)
        else { throw AppError.notFound() }
        let names = try await names([file], language: context.language)
        var response = try GovStackController.json(FileDTO(file, serviceName: names[file.procedureId] ?? file.procedureId))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The specification's `additionalData` body: `data.decision.value` (`APPROVED`, `REJECTED`, `SENDBACK`),
    /// `data.note.value` (a reason, required to reject) and `data.fields.value` (the fields to correct, comma-separated,
    /// required to send back).
    struct CompleteBody: Decodable {
        struct Value: Decodable {
            let value: String
        }
        let data: [String: Value]
    }

    @Sendable func complete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let id = try context.pathValue()
        let body = try await request.decodeJSON(CompleteBody.self, upTo: 16_384)
        let decision = body.data["decision"]?.value ?? ""
        guard ["APPROVED", "REJECTED", "SENDBACK"].contains(decision) else {
            throw AppError.validation(field: "data.decision", code: "govstack_decision")
        }
        let fields = (body.data["fields"]?.value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard id.utf8.count <= 64,
            let file = try await files.complete(
                id: id, decision: decision, note: body.data["note"]?.value ?? "", fields: fields, principal: principal,
                requestId: context.requestId, address: context.clientAddress)
        else { throw AppError.notFound() }
        return try GovStackController.json(
            CompletedTaskDTO(
                taskId: id, fileId: file.id, serviceId: GovStackController.serviceId(file.procedureId),
                status: StatusDTO(file), variables: [:]))
    }

    struct Page {
        let offset: Int
        let limit: Int
    }

    /// `firstResult` (from 0) and `maxResult` (1 to 100, 20 by default); sorting only by due date, oldest first.
    func page(_ request: Request) throws -> Page {
        func number(_ name: String, _ range: ClosedRange<Int>, _ fallback: Int) throws -> Int {
            guard let raw = request.form[name] else { return fallback }
            guard let value = InputParser.integer(raw, in: range) else { throw AppError.badParameter(name, value: raw) }
            return value
        }
        if let sortBy = request.form["sortBy"], sortBy != "dueDate" { throw AppError.badParameter("sortBy", value: sortBy) }
        if let sortOrder = request.form["sortOrder"], sortOrder != "asc" { throw AppError.badParameter("sortOrder", value: sortOrder) }
        return Page(offset: try number("firstResult", 0...100_000, 0), limit: try number("maxResult", 1...Self.maxResults, 20))
    }

    /// The institutions the caller acts for (nil: all, an administrator).
    static func scope(_ principal: Principal) -> [String]? { principal.isAdministrator ? nil : principal.institutions }

    /// The procedure of a `serviceId` filter; nil when none was given; a 200 with nothing when it names no service.
    func procedure(_ request: Request, name: String) async throws -> (given: Bool, procedure: Procedure?) {
        guard let raw = request.form[name] else { return (false, nil) }
        guard raw.utf8.count <= 64 else { throw AppError.badParameter(name, value: raw) }
        return (true, try await services.executable()[raw.lowercased()])
    }

    func names(_ items: [RegistrationFile], language: Language) async throws -> [String: String] {
        let procedures = try await services.catalog.procedures(ids: Array(Set(items.map(\.procedureId))))
        return Dictionary(procedures.map { ($0.id, $0.title.text(for: language.rawValue).text) }, uniquingKeysWith: { first, _ in first })
    }

    @Sendable func applications(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let page = try page(request)
        let service = try await procedure(request, name: "serviceId")
        if service.given && service.procedure == nil { return try GovStackController.json([FileListItemDTO]()) }
        var items = try await files.files(
            institutions: Self.scope(principal), procedure: service.procedure?.id, openOnly: false, offset: page.offset, limit: page.limit)
        if let applicant = request.form["applicantId"] { items = items.filter { $0.applicantKey == applicant } }
        let names = try await names(items, language: context.language)
        return try GovStackController.json(items.map { FileListItemDTO($0, serviceName: names[$0.procedureId] ?? $0.procedureId) })
    }

    @Sendable func application(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let file = try await read(context, principal)
        let names = try await names([file], language: context.language)
        var response = try GovStackController.json(FileDTO(file, serviceName: names[file.procedureId] ?? file.procedureId))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func tasks(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let page = try page(request)
        var items = try await files.files(institutions: Self.scope(principal), procedure: nil, openOnly: true, offset: page.offset, limit: page.limit)
        for name in ["mainTaskId", "fileId"] {
            if let id = request.form[name] { items = items.filter { $0.id == id } }
        }
        if let assignee = request.form["assigneeId"] { items = items.filter { $0.assignedTo == assignee } }
        let names = try await names(items, language: context.language)
        return try GovStackController.json(items.map { TaskDTO($0, serviceName: names[$0.procedureId] ?? $0.procedureId) })
    }

    @Sendable func task(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let file = try await read(context, principal)
        guard file.open else { throw AppError.notFound() }
        let names = try await names([file], language: context.language)
        var response = try GovStackController.json(TaskDetailDTO(file, serviceName: names[file.procedureId] ?? file.procedureId))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func read(_ context: AppRequestContext, _ principal: Principal) async throws -> RegistrationFile {
        let id = try context.pathValue()
        guard id.utf8.count <= 64,
            let file = try await files.file(
                id: id, institutions: Self.scope(principal), actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
        else { throw AppError.notFound() }
        return file
    }
}

/// The specification's `completedTaskResponse`.
struct CompletedTaskDTO: Encodable {
    let taskId: String
    let fileId: String
    let serviceId: String
    let status: StatusDTO
    let variables: [String: String]
}

/// The specification's `statusModel`.
struct StatusDTO: Encodable {
    let code: String
    let title: String

    init(_ file: RegistrationFile) {
        code = file.govStackStatus
        title = file.status
    }
}

/// An answer as the specification's `data` holds it (an object per field).
struct AnswerDTO: Encodable {
    let value: String
}

/// The specification's `applicantApplicationFileListResponse`.
struct FileListItemDTO: Encodable {
    let fileId: String
    let mainTaskId: String?
    let taskTitle: String
    let assigneeId: String?
    let status: StatusDTO
    let applicantId: String
    let created: String
    let registered: String?
    let description: String
    let serviceName: String
    let serviceId: String
    let eformId: String

    init(_ file: RegistrationFile, serviceName: String) {
        fileId = file.id
        mainTaskId = file.open ? file.id : nil
        taskTitle = file.reference
        assigneeId = file.assignedTo
        status = StatusDTO(file)
        applicantId = file.applicantKey ?? ""
        created = file.createdAt
        registered = file.submittedAt
        description = file.reference
        self.serviceName = serviceName
        serviceId = GovStackController.serviceId(file.procedureId)
        eformId = String(file.formId)
    }
}

/// The specification's `applicationFileResponse`.
struct FileDTO: Encodable {
    struct FormData: Encodable {
        let eFormId: String
        let data: [String: AnswerDTO]
    }

    struct Submitted: Encodable {
        let applicationName: String
        let applicantId: String
        let created: String
        let formData: FormData
        let documentUrls: [String]
    }

    let fileId: String
    /// Required at this level by the specification (beside `applicationData.applicantId`).
    let applicantId: String
    let registered: String?
    let serviceId: String
    let serviceName: String
    let status: StatusDTO
    let ended: Bool
    let applicationData: Submitted

    /// `applicantId`: the one the applicant's client gave, when it is the one asking.
    init(_ file: RegistrationFile, serviceName: String, applicantId: String? = nil) {
        fileId = file.id
        self.applicantId = applicantId ?? file.applicantKey ?? ""
        registered = file.submittedAt
        serviceId = GovStackController.serviceId(file.procedureId)
        self.serviceName = serviceName
        status = StatusDTO(file)
        ended = file.ended
        applicationData = Submitted(
            applicationName: file.reference, applicantId: self.applicantId, created: file.createdAt,
            formData: FormData(eFormId: String(file.formId), data: file.answers.mapValues { AnswerDTO(value: $0) }),
            documentUrls: file.files.map { GovStackDocuments.url(file: file.id, field: $0) })
    }
}

/// The specification's `userTaskResponse`: an open application's review.
struct TaskDTO: Encodable {
    let taskId: String
    let mainTaskId: String
    let name: String
    let assigneeId: String?
    let created: String
    let description: String
    let serviceId: String
    let serviceName: String
    let fileId: String
    let eFormId: String
    let status: StatusDTO

    init(_ file: RegistrationFile, serviceName: String) {
        taskId = file.id
        mainTaskId = file.id
        name = "review"
        assigneeId = file.assignedTo
        created = file.submittedAt ?? file.createdAt
        description = file.reference
        serviceId = GovStackController.serviceId(file.procedureId)
        self.serviceName = serviceName
        fileId = file.id
        eFormId = String(file.formId)
        status = StatusDTO(file)
    }
}

/// The specification's `dataUserTaskResponse`: the review with the answers.
struct TaskDetailDTO: Encodable {
    let taskId: String
    let taskName: String
    let assigneeId: String?
    let created: String
    let description: String
    let fileId: String
    let serviceId: String
    let serviceName: String
    let eFormId: String
    let status: StatusDTO
    let data: [String: AnswerDTO]

    init(_ file: RegistrationFile, serviceName: String) {
        taskId = file.id
        taskName = "review"
        assigneeId = file.assignedTo
        created = file.submittedAt ?? file.createdAt
        description = file.reference
        fileId = file.id
        serviceId = GovStackController.serviceId(file.procedureId)
        self.serviceName = serviceName
        eFormId = String(file.formId)
        status = StatusDTO(file)
        data = file.answers.mapValues { AnswerDTO(value: $0) }
    }
}
