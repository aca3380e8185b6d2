// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// Filing an application through the GovStack API (`POST /services/{id}/applications`): the specification's
/// `applicationFileSubmit`, its answers in `formData.data` (each `{"value": "…"}`, or a bare string), checked against the
/// service's current form and submitted at once (channel `api`). No account is needed, as for Guichet's own API. The
/// specification has no idempotency key: a retried request (the same service, applicant and answers) answers with the
/// same application; an `Idempotency-Key` header, when sent, is honoured as on Guichet's own API. Documents staged with
/// `POST /documents` are named by their address, as a file field's answer or in `documentUrls` (`documents(_:)`).
struct GovStackSubmission: Sendable {
    let services: GovStackController
    let files: any RegistrationFiles

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(InsightsRoute.govStackServiceApplications, use: submit)
    }

    struct Body: Decodable {
        struct Answer: Decodable {
            let value: String

            init(from decoder: any Decoder) throws {
                if let text = try? decoder.singleValueContainer().decode(String.self) {
                    value = text
                } else {
                    value = try decoder.container(keyedBy: Key.self).decode(String.self, forKey: .value)
                }
            }

            enum Key: String, CodingKey { case value }
        }

        struct FormData: Decodable {
            let eFormId: String?
            let data: [String: Answer]?
        }

        let applicantId: String
        let applicationName: String?
        let formData: FormData?
        let documentUrls: [String]?
    }

    /// What makes two requests the same (the answers in a stable order).
    struct Canonical: Encodable {
        let service: String
        let applicantId: String
        let answers: [String: String]
        let documents: [String: String]
    }

    /// The typed answers and the staged documents (file field → staged id) of a body: a file field's answer is a staged
    /// document's address; the addresses in `documentUrls` that no field names go, in order, to the `candidates` file
    /// fields still without one (required ones first). A wrong address, a document named twice or one too many is a 422.
    static func documents(
        answers given: [String: String], documentUrls: [String], fields: [EFormFact.Field], candidates: Set<String>? = nil
    ) throws -> (answers: [String: String], documents: [String: String]) {
        var answers = given
        var documents: [String: String] = [:]
        let fileFields = fields.filter { $0.kind == "file" }
        for field in fileFields {
            guard let value = answers.removeValue(forKey: field.key), !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let id = GovStackDocuments.stagedId(value) else {
                throw AppError.validation(field: "formData.data.\(field.key)", code: "govstack_document_url")
            }
            guard !documents.values.contains(id) else { throw AppError.validation(field: field.key, code: "document_linked") }
            documents[field.key] = id
        }
        var free = (fileFields.filter(\.required) + fileFields.filter { !$0.required }).map(\.key).filter {
            documents[$0] == nil && (candidates?.contains($0) ?? true)
        }
        guard documentUrls.count <= 50 else { throw AppError.validation(field: "documentUrls", code: "govstack_documents") }
        for (index, url) in documentUrls.enumerated() {
            guard let id = GovStackDocuments.stagedId(url) else {
                throw AppError.validation(field: "documentUrls[\(index)]", code: "govstack_document_url")
            }
            if documents.values.contains(id) { continue }
            guard !free.isEmpty else { throw AppError.validation(field: "documentUrls[\(index)]", code: "govstack_documents") }
            documents[free.removeFirst()] = id
        }
        return (answers, documents)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let procedure = try await services.requireService(context)
        let body = try await request.decodeJSON(Body.self, upTo: 262_144)
        let applicant = body.applicantId.trimmingCharacters(in: .whitespaces)
        guard !applicant.isEmpty, applicant.count <= 200 else { throw AppError.validation(field: "applicantId", code: "govstack_applicant") }
        let current = try await services.forms.forms(procedure: procedure.id).last { $0.latest }
        if let eFormId = body.formData?.eFormId, eFormId != current.map({ String($0.id) }) {
            throw AppError.validation(field: "formData.eFormId", code: "govstack_form")
        }
        let (answers, documents) = try Self.documents(
            answers: (body.formData?.data ?? [:]).mapValues(\.value), documentUrls: body.documentUrls ?? [], fields: current?.fields ?? [])
        let hash = IdempotencyKey.hash(
            try JSONResponse.encoder.encode(Canonical(service: procedure.id, applicantId: applicant, answers: answers, documents: documents)))
        let idempotency = try IdempotencyKey.from(request, principal: context.principal, requestHash: hash)
        guard
            let (file, _) = try await files.submit(
                procedure: procedure.id, answers: answers, documents: documents, scope: idempotency?.scope ?? "govstack:\(hash)",
                key: idempotency?.key ?? hash,
                requestHash: hash, actor: GovStackDocuments.actor(context), requestId: context.requestId, address: context.clientAddress)
        else { throw AppError.notFound() }
        var response = try GovStackController.json(
            FileDTO(file, serviceName: procedure.title.text(for: context.language.rawValue).text, applicantId: applicant))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
