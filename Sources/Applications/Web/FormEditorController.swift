// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import Hummingbird
import Yams

/// Editors attach a form to a procedure of their institution: written as YAML (the same schema as the demo forms),
/// checked whole before it is stored, each save a new numbered version tied to the procedure's published version.
/// A procedure without a form starts from a draft made of its requirements (one file field per document to bring).
package struct FormEditorController: Sendable {
    let forms: FormStore
    let catalog: CatalogRepository
    let renderer: Renderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(ApplicationsRoute.forms, use: list)
        router.get(ApplicationsRoute.form, use: edit)
        router.post(ApplicationsRoute.form, use: save)
    }

    struct Row {
        let href: String
        let title: String
        let state: String
    }

    struct ListPage {
        let rows: [Row]
        let empty: Bool
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.catalogEditor)
        let v = PageContext(applications: context, renderer.localizer)
        let withForms = try await forms.procedures()
        var ids: [String] = []
        var offset = 0
        while true {
            let page = try await catalog.procedureIds(CatalogRepository.ProcedureFilter(), limit: 500, offset: offset)
            ids += page.items
            offset += page.items.count
            if page.items.isEmpty || offset >= page.total { break }
        }
        let procedures = try await catalog.procedures(ids: ids).filter { principal.actsFor(institution: $0.institution) }
            .sorted { (withForms.contains($0.id) ? 0 : 1, $0.id) < (withForms.contains($1.id) ? 0 : 1, $1.id) }
        let rows = procedures.prefix(300).map { procedure in
            Row(
                href: ApplicationsRoute.form.path(procedure.id), title: v.text(procedure.title),
                state: withForms.contains(procedure.id) ? v.t("forms.has_form") : v.t("forms.no_form"))
        }
        return try renderer.page(
            "applications-forms", title: v.t("forms.title"), page: ListPage(rows: Array(rows), empty: rows.isEmpty), request: request,
            context: context)
    }

    struct VersionRow {
        let number: Int
        let procedureVersion: Int
        let by: String
        let at: String
    }

    struct EditPage {
        let title: String
        let action: String
        let text: String
        let errors: [String]
        let hasErrors: Bool
        let versions: [VersionRow]
        let isNew: Bool
        let saved: Bool
        let applyHref: String
    }

    func procedure(_ context: AppRequestContext, _ principal: Principal) async throws -> Procedure {
        guard let procedure = try await catalog.procedures(ids: [try context.applicationsId()]).first,
            principal.actsFor(institution: procedure.institution)
        else { throw AppError.notFound("procedure_not_found") }
        return procedure
    }

    @Sendable func edit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.catalogEditor)
        let procedure = try await procedure(context, principal)
        let current = try await forms.current(procedure: procedure.id)
        let text = try Self.yaml(current?.definition ?? Self.starter(for: procedure, localizer: renderer.localizer))
        return try await render(
            request, context, procedure: procedure, text: text, errors: [], saved: request.uri.queryParameters.get("saved") == "1", status: .ok)
    }

    func render(
        _ request: Request, _ context: AppRequestContext, procedure: Procedure, text: String, errors: [String], saved: Bool,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let v = PageContext(applications: context, renderer.localizer)
        let versions = try await forms.versions(procedure: procedure.id)
        let model = EditPage(
            title: v.text(procedure.title), action: ApplicationsRoute.form.path(procedure.id), text: text, errors: errors, hasErrors: !errors.isEmpty,
            versions: versions.map {
                VersionRow(number: $0.number, procedureVersion: $0.procedureVersion, by: $0.createdBy, at: v.when($0.createdAt))
            },
            isNew: versions.isEmpty, saved: saved, applyHref: ApplicationsRoute.apply.path(procedure.id))
        return try renderer.page(
            "applications-form", title: v.t("forms.edit_title", ["procedure": v.text(procedure.title)]), page: model, request: request,
            context: context, status: status)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.catalogEditor)
        let v = PageContext(applications: context, renderer.localizer)
        let procedure = try await procedure(context, principal)
        let text = context.postForm["definition"] ?? ""
        let definition: FormDefinition
        do {
            definition = try YAMLDecoder().decode(FormDefinition.self, from: text)
        } catch {
            return try await render(
                request, context, procedure: procedure, text: text, errors: [v.t("forms.yaml_error", ["detail": Self.describe(error)])], saved: false,
                status: .unprocessableContent)
        }
        let problems = definition.problems(procedure: procedure)
        guard problems.isEmpty else {
            let errors = problems.map { "\($0.path): " + v.t("forms.problem.\($0.reason)", ["value": $0.value]) }
            return try await render(request, context, procedure: procedure, text: text, errors: errors, saved: false, status: .unprocessableContent)
        }
        try await forms.save(
            procedure: procedure, definition: definition,
            origin: ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress))
        return Response.redirect(to: ApplicationsRoute.form.path(procedure.id) + "?saved=1")
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".") + ": missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            return context.codingPath.map(\.stringValue).joined(separator: ".") + ": " + context.debugDescription
        default:
            return String(describing: error).prefix(300).description
        }
    }

    static func yaml(_ definition: FormDefinition) throws -> String {
        try YAMLEncoder().encode(definition)
    }

    /// A first form for a procedure: the person's identity, a phone number, and one file per document the catalogue lists.
    /// Its words come from the locale catalogues, in both languages.
    package static func starter(for procedure: Procedure, localizer: Localizer) -> FormDefinition {
        func words(_ key: String) -> LocalizedText {
            LocalizedText(fr: localizer.text("applications.starter.\(key)", .fr), en: localizer.text("applications.starter.\(key)", .en))
        }
        func field(_ key: String, _ kind: FieldKind, maxLength: Int? = nil, hint: LocalizedText? = nil, label: LocalizedText? = nil) -> FormField {
            FormField(
                key: key, kind: kind, label: label ?? words(key), hint: hint, required: true, minLength: nil, maxLength: maxLength, pattern: nil,
                min: nil,
                max: nil, notAfterToday: nil, choices: nil, showIf: nil)
        }
        var seen = Set<String>()
        var files: [FormField] = []
        for requirement in procedure.blocks.flatMap(\.steps).flatMap({ $0.requirements ?? [] }) {
            guard seen.insert(requirement.name.fr).inserted, files.count < 10 else { continue }
            files.append(field("document_\(files.count + 1)", .file, hint: requirement.notes, label: requirement.name))
        }
        var pages = [
            FormPage(
                key: "applicant", title: words("applicant"),
                fields: [
                    field("last_name", .text, maxLength: 80), field("first_names", .text, maxLength: 120),
                    field("phone", .phone, hint: words("phone_hint")),
                ])
        ]
        if !files.isEmpty { pages.append(FormPage(key: "documents", title: words("documents"), fields: files)) }
        return FormDefinition(
            pages: pages, document: IssuedDocumentSpec(title: procedure.title, fields: ["last_name", "first_names"], validityMonths: nil))
    }
}
