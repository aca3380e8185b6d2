// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird

/// Following an application by reference and PIN (never in the address: the form posts them), correcting it when the
/// agent asked, reading the issued document, and verifying any document by its code.
package struct TrackController: Sendable {
    let store: ApplicationStore
    let forms: FormStore
    let tracking: Tracking
    let documents: Documents
    let catalog: CatalogRepository
    let renderer: Renderer
    let apply: ApplyController
    let fees: any FeeLedger
    /// Other features' signed records (payment receipts), for codes no document has.
    var verifiers: [any RecordVerifier] = []
    /// The site's address as people type it (`GUICHET_PUBLIC_URL`), printed on documents; never the request's `Host`.
    let publicURL: String

    init(module: ApplicationsModule, apply: ApplyController? = nil, publicURL: String? = nil) {
        store = module.store
        forms = module.forms
        tracking = module.tracking
        documents = module.documents
        catalog = module.catalog
        renderer = module.renderer
        self.apply = apply ?? ApplyController(module: module)
        fees = module.fees
        self.publicURL = publicURL ?? module.settings.publicURL
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(ApplicationsRoute.track, use: trackForm)
        router.post(ApplicationsRoute.track, use: track)
        router.post(ApplicationsRoute.trackCorrect, use: correct)
        router.get(ApplicationsRoute.document, use: document)
        router.post(ApplicationsRoute.document, use: trackedDocument)
        router.get(ApplicationsRoute.verifyForm, use: verifyForm)
        router.get(ApplicationsRoute.keys, use: publicKeys)
        router.get(ApplicationsRoute.verify, use: verify)
    }

    // MARK: Tracking

    struct TrackForm {
        let action: String
        let reference: String
        let error: String?
        let errorField: String?
    }

    /// The form, its reference filled in when the confirmation page links here (`?reference=`; never the PIN).
    @Sendable func trackForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let reference = Self.referenceField(request.uri.queryParameters.get("reference"))
        return try renderer.page(
            "applications-track", title: v.t("track.title"),
            page: TrackForm(action: v.link(ApplicationsRoute.track.path()), reference: reference, error: nil, errorField: nil),
            request: request, context: context)
    }

    /// A reference as people type it (letters, digits, dashes), at most 20 characters; anything else is left out.
    static func referenceField(_ value: String?) -> String {
        String((value ?? "").uppercased().filter { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }.prefix(20))
    }

    struct HistoryRow {
        let when: String
        let what: String
        /// Not `note`: a missing value would fall back to the page's own `note` in Mustache.
        let eventNote: String?
    }

    struct TrackResult {
        let reference: String
        let procedure: String
        let status: String
        let govStack: String?
        let next: String
        let due: String?
        let overdue: Bool
        let history: [HistoryRow]
        let fix: [String]
        let note: String?
        let correct: Bool
        let correctAction: String
        let pin: String
        let documentHref: String?
        /// The document is opened by posting the reference and PIN again (this browser may not be the one that applied).
        let documentAction: String?
        let verifyHref: String?
        let verifyCode: String?
        let fees: FeesView?
    }

    @Sendable func track(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let reference = context.postForm["reference"] ?? ""
        let pin = context.postForm["pin"] ?? ""
        let record: ApplicationRecord
        do {
            record = try await tracking.track(reference: reference, pin: pin, address: context.clientAddress)
        } catch let error as AppError where error.status == .unprocessableContent || error.status == .tooManyRequests {
            let model = TrackForm(
                action: v.link(ApplicationsRoute.track.path()), reference: String(reference.prefix(20)), error: v.error(error),
                errorField: error.field ?? "reference")
            var response = try renderer.page(
                "applications-track", title: v.t("error_prefix") + " " + v.t("track.title"), page: model, request: request, context: context,
                status: error.status)
            response.headers[.cacheControl] = "no-store"
            return response
        }
        let model = try await result(record, v, pin: pin)
        var response = try renderer.page("applications-tracked", title: v.t("track.result_title"), page: model, request: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// What the tracking page and API say: statuses, dates and the agent's public notes, no answer of the person's.
    func result(_ record: ApplicationRecord, _ v: PageContext, pin: String) async throws -> TrackResult {
        let procedure = try await catalog.procedures(ids: [record.procedureId]).first
        let form = try await forms.form(id: record.formId)
        let (events, documentCode) = try await tracking.publicHistory(record)
        return TrackResult(
            reference: record.reference ?? "", procedure: procedure.map { v.text($0.title) } ?? record.procedureId, status: v.status(record.status),
            govStack: record.status.govStack, next: v.t("next.\(record.status.rawValue)"), due: record.status.isOpen ? v.day(record.dueAt) : nil,
            overdue: record.isOverdue(at: store.clock.now),
            history: events.filter { $0.action != "started" }.map { event in
                HistoryRow(
                    when: v.when(event.at), what: v.t("event.\(event.action)"),
                    eventNote: event.action == "request_changes" || event.action == "reject" ? event.note : nil)
            },
            fix: record.status == .actionRequired
                ? (record.requested?.fields ?? []).map { key in form?.definition.field(key).map { v.text($0.label) } ?? key } : [],
            note: record.status == .actionRequired ? record.requested?.note : nil, correct: record.status == .actionRequired,
            correctAction: v.link(ApplicationsRoute.trackCorrect.path()), pin: pin,
            documentHref: documentCode != nil ? v.link(ApplicationsRoute.document.path(record.id)) : nil,
            documentAction: documentCode != nil ? v.link(ApplicationsRoute.document.path(record.id)) : nil,
            verifyHref: documentCode.map { v.link(ApplicationsRoute.verify.path($0)) }, verifyCode: documentCode,
            fees: v.fees(summary: try await fees.summary(application: record.id)) { v.link(ApplicationsRoute.verify.path($0)) })
    }

    /// Reference and PIN again, then this browser becomes the application's owner and goes to the first page to fix.
    @Sendable func correct(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let record = try await tracking.track(
            reference: context.postForm["reference"] ?? "", pin: context.postForm["pin"] ?? "", address: context.clientAddress)
        guard record.status == .actionRequired, let form = try await forms.form(id: record.formId),
            let first = ApplicationRules.pages(form.definition, record).first
        else { throw AppError.conflict("nothing_to_correct") }
        let token = (request.cookies[apply.draftCookie]?.value).flatMap { $0.count == 43 ? $0 : nil } ?? CSRFMiddleware.newToken()
        let hash = ApplicationKeys.ownerHash(token)
        if record.ownerHash != hash {
            try await tracking.takeOwnership(
                record, ownerHash: hash,
                origin: ActionOrigin(actor: "applicant:\(record.reference ?? "")", requestId: context.requestId, address: context.clientAddress))
        }
        var response = Response.redirect(to: v.link(ApplicationsRoute.page.path(record.id, first.key)))
        apply.setOwnerCookie(token, on: &response)
        return response
    }

    // MARK: The document

    struct DocumentPage {
        let title: String
        let issuer: String
        let reference: String
        let issued: String
        let validUntil: String?
        let fields: [PrintedRow]
        let code: String
        let verifyURL: String
        let keyId: String
        let revoked: Bool
        let printNote: String
        /// The verification page of this document, as a link (the printed address is `verifyURL`).
        var verifyHref: String? = nil
    }

    struct PrintedRow {
        let label: String
        let value: String
    }

    func documentPage(_ document: ApplicationStore.IssuedDocument, _ v: PageContext, host: String) -> DocumentPage {
        let payload = document.payload
        return DocumentPage(
            title: v.text(payload.title), issuer: v.text(payload.issuerName), reference: payload.reference, issued: v.day(payload.issuedAt),
            validUntil: payload.validUntil, fields: payload.fields.map { PrintedRow(label: v.text($0.label), value: $0.value) }, code: document.code,
            verifyURL: host + ApplicationsRoute.verify.path(document.code), keyId: payload.keyId, revoked: document.revokedAt != nil,
            printNote: v.t("document.print"))
    }

    @Sendable func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await apply.owned(request, context)
        return try await renderDocument(record, request, context)
    }

    /// From the tracking page, in any browser: the reference and PIN again (counted like any tracking try).
    @Sendable func trackedDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let record = try await tracking.track(
            reference: context.postForm["reference"] ?? "", pin: context.postForm["pin"] ?? "", address: context.clientAddress)
        guard record.id == (try context.applicationsId()) else { throw AppError.notFound("document_not_found") }
        return try await renderDocument(record, request, context)
    }

    func renderDocument(_ record: ApplicationRecord, _ request: Request, _ context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        guard let document = try await store.document(applicationId: record.id) else { throw AppError.notFound("document_not_found") }
        var model = documentPage(document, v, host: host(request))
        model.verifyHref = v.link(ApplicationsRoute.verify.path(document.code))
        var response = try renderer.page(
            "applications-document", title: v.text(document.payload.title), page: model, request: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The address printed on a document for its verification page: the configured public address, whatever `Host` said.
    func host(_ request: Request) -> String { publicURL }

    // MARK: Verification

    struct VerifyPage {
        let action: String
        let code: String
        let state: String?
        let valid: Bool
        let revoked: Bool
        let invalid: Bool
        let unknown: Bool
        let revokedAt: String?
        /// The document's title (not `title`: for an unknown code Mustache would find the page's own title instead).
        let documentTitle: String?
        let issuer: String?
        let reference: String?
        let issued: String?
        let validUntil: String?
        let fields: [PrintedRow]
        let keysHref: String
    }

    @Sendable func verifyForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        if let code = request.uri.queryParameters.get("code"), !code.isEmpty {
            let clean = code.uppercased().filter { $0.isLetter || $0.isNumber }.prefix(12)
            return Response.redirect(to: v.link(ApplicationsRoute.verify.path(String(clean.isEmpty ? "X" : clean))))
        }
        return try renderer.page(
            "applications-verify", title: v.t("verify.title"), page: verifyModel(v, code: "", result: nil), request: request, context: context)
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let code = String(try context.pathValue("code").prefix(20))
        let result = try await documents.verify(code: code)
        if result == .unknown {
            for verifier in verifiers {
                guard let record = try await verifier.verify(code: code, language: v.language.rawValue) else { continue }
                let state = record.valid ? "valid" : "invalid"
                let model = VerifyPage(
                    action: v.link(ApplicationsRoute.verifyForm.path()), code: code, state: v.t("verify.state.\(state)"), valid: record.valid,
                    revoked: false, invalid: !record.valid, unknown: false, revokedAt: nil, documentTitle: record.valid ? record.title : nil,
                    issuer: record.issuer, reference: record.reference, issued: v.day(record.issuedAt), validUntil: nil,
                    fields: record.rows.map { PrintedRow(label: $0.label, value: $0.value) }, keysHref: ApplicationsRoute.apiKeys.path())
                var response = try renderer.page(
                    "applications-verify", title: v.t("verify.state.\(state)"), page: model, request: request, context: context)
                response.headers[.cacheControl] = "no-store"
                response.headers[.xRobotsTag] = "noindex"
                return response
            }
        }
        var response = try renderer.page(
            "applications-verify", title: v.t("verify.state.\(result.status)"), page: verifyModel(v, code: code, result: result), request: request,
            context: context, status: result == .unknown ? .notFound : .ok)
        response.headers[.cacheControl] = "no-store"
        response.headers[.xRobotsTag] = "noindex"
        return response
    }

    func verifyModel(_ v: PageContext, code: String, result: VerificationResult?) -> VerifyPage {
        var payload: DocumentPayload?
        var revokedAt: String?
        if case .valid(let p) = result { payload = p }
        if case .revoked(let p, let at) = result {
            payload = p
            revokedAt = at
        }
        return VerifyPage(
            action: v.link(ApplicationsRoute.verifyForm.path()), code: code, state: result.map { v.t("verify.state.\($0.status)") },
            valid: result?.status == "valid",
            revoked: result?.status == "revoked", invalid: result?.status == "invalid", unknown: result?.status == "unknown",
            revokedAt: revokedAt.map { v.day($0) },
            documentTitle: payload.map { v.text($0.title) }, issuer: payload.map { v.text($0.issuerName) }, reference: payload?.reference,
            issued: payload.map { v.day($0.issuedAt) }, validUntil: payload?.validUntil,
            fields: payload?.fields.map { PrintedRow(label: v.text($0.label), value: $0.value) } ?? [], keysHref: ApplicationsRoute.apiKeys.path())
    }

    @Sendable func publicKeys(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response.redirect(to: ApplicationsRoute.apiKeys.path())
    }
}
