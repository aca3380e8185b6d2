// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird

/// The catalogue's back office for procedures: editors list and create procedures, change their general fields on
/// drafts, preview, publish or discard them, and read their history. Steps: `StepEditorController`.
struct ProcedureEditorController: Sendable {
    let support: EditorSupport
    let procedurePages: ProcedurePageBuilder

    var editor: ProcedureEditor { support.editor }
    var renderer: Renderer { support.renderer }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CatalogRoute.editorHome) { request, context in try await home(request, context: context) }
        router.get(CatalogRoute.editorNew) { request, context in
            try await newPage(request, context: context, values: NewProcedureValues(), errors: [:], order: [])
        }
        router.post(CatalogRoute.editorNew) { request, context in try await create(request, context: context) }
        router.get(CatalogRoute.editorProcedure) { request, context in try await procedurePage(request, context: context) }
        router.post(CatalogRoute.editorProcedure) { request, context in try await saveGeneral(request, context: context) }
        router.get(CatalogRoute.editorPreview) { request, context in try await preview(request, context: context) }
        router.post(CatalogRoute.editorPublish) { request, context in try await publish(request, context: context) }
        router.post(CatalogRoute.editorDiscard) { request, context in try await discard(request, context: context) }
        router.get(CatalogRoute.editorHistory) { request, context in try await history(request, context: context) }
        router.get(CatalogRoute.editorDiff) { request, context in try await diff(request, context: context) }
    }

    // MARK: Home and creation

    func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let page = support.page(context)
        let query = (request.form["q"] ?? "").trimmingCharacters(in: .whitespaces)
        let folded = TextFolding.words(query).joined(separator: " ")
        let rows = try await editor.publishedTitles().filter { principal.actsFor(institution: $0.institution) }
        let drafts = try await editor.drafts().filter { principal.actsFor(institution: $0.institution) }
        let draftIds = Set(drafts.map(\.id))
        let matching = rows.filter { EditorSupport.matches(folded, $0.title + " " + $0.id) }
        let model = EditorHomePage(
            q: query, newHref: CatalogRoute.editorNew.path(), action: CatalogRoute.editorHome.path(),
            drafts: drafts.map {
                .init(
                    href: CatalogRoute.editorProcedure.path($0.id), title: $0.title, id: $0.id, by: $0.updatedBy,
                    at: page.minute(stored: $0.updatedAt),
                    isNew: $0.isNew)
            },
            procedures: matching.prefix(200).map {
                .init(
                    href: CatalogRoute.editorProcedure.path($0.id), title: $0.title, id: $0.id, institution: $0.institution,
                    hasDraft: draftIds.contains($0.id))
            },
            count: matching.count, more: matching.count > 200)
        return try renderer.page("editor-home", title: page.t("home.title"), page: model, request: request, context: context)
    }

    func newPage(
        _ request: Request, context: AppRequestContext, values: NewProcedureValues, errors: [String: String], order: [String],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let institutions = try await support.institutionsById().filter { principal.actsFor(institution: $0.key) }.sorted { $0.key < $1.key }
        let model = NewProcedurePage(
            errors: errors, summary: ErrorItem.summary(errors, order), hasErrors: !errors.isEmpty, back: CatalogRoute.editorHome.path(),
            action: CatalogRoute.editorNew.path(), values: values,
            institutions: institutions.map { InstitutionChoice(id: $0.key, name: $0.value.name.fr, selected: values.institution == $0.key) })
        return try renderer.page(
            "editor-new", title: support.page(context).t("new.title"), page: model, request: request, context: context, status: status)
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let page = support.page(context)
        let fields = context.postForm
        let values = NewProcedureValues(
            id: (fields["id"] ?? "").trimmingCharacters(in: .whitespaces).lowercased(), institution: fields["institution"] ?? "",
            titleFr: fields["title_fr"] ?? "", titleEn: fields["title_en"] ?? "")
        var errors: [String: String] = [:]
        var order: [String] = []
        func fail(_ field: String, _ key: String) {
            if errors[field] == nil { order.append(field) }
            errors[field] = page.t("errors.\(key)")
        }
        let institution = try await support.institutionsById()[values.institution]
        if institution == nil || !principal.actsFor(institution: values.institution) { fail("institution", "institution_scope") }
        let id = values.id
        let slugOK =
            id.count >= 4 && id.count <= 80 && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") } && !id.hasPrefix("-")
            && !id.hasSuffix("-")
        if !slugOK {
            fail("id", "slug")
        } else if let institution, !id.hasPrefix(institution.country.lowercased() + "-") {
            fail("id", "slug_country")
        }
        let titleFr = values.titleFr.trimmingCharacters(in: .whitespaces)
        if titleFr.isEmpty { fail("title_fr", "required_fr") }
        if slugOK, try await editor.working(id) != nil { fail("id", "id_taken") }
        guard errors.isEmpty, let institution else {
            return try await newPage(request, context: context, values: values, errors: errors, order: order, status: .unprocessableContent)
        }
        let titleEn = values.titleEn.trimmingCharacters(in: .whitespaces)
        let procedure = Procedure(
            id: id, country: institution.country, title: LocalizedText(fr: titleFr, en: titleEn.isEmpty ? nil : titleEn), audience: [.citizen],
            categories: [], institution: institution.id, channel: .counter, status: .published, version: 0, sources: [],
            blocks: [Block(mode: .sequence, steps: [])])
        do {
            try await editor.save(procedure, expectedRevision: 0, origin: support.origin(principal, context), summary: "new procedure")
        } catch is DraftConflict {
            fail("id", "id_taken")
            return try await newPage(request, context: context, values: values, errors: errors, order: order, status: .unprocessableContent)
        }
        return .redirect(to: CatalogRoute.editorProcedure.path(id), type: .normal)
    }

    // MARK: The procedure's page (general fields, blocks, steps)

    func procedurePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        return try await renderProcedure(request, context: context, principal: principal, working: working, form: nil, errors: [:], order: [])
    }

    /// The procedure's page, with what the form was filled with and its errors when it is shown again.
    func renderProcedure(
        _ request: Request, context: AppRequestContext, principal: Principal, working: ProcedureEditor.Working, form: FormQuery?,
        errors: [String: String], order: [String], status: HTTPResponse.Status = .ok, revisionOverride: Int? = nil
    ) async throws -> Response {
        let page = support.page(context)
        let procedure = working.procedure
        let model = ProcedureEditorPage(
            working: working, values: FormValues(form: form, errors: errors), order: order, page: page,
            revision: revisionOverride ?? working.revision, snapshot: try await support.reference.current(support.repository),
            institutions: try await support.scopeInstitutions(principal, country: procedure.country),
            conflicts: try await editor.conflicts(procedure.id))
        return try renderer.page(
            "editor-procedure", title: page.t("procedure.title", ["title": procedure.title.fr]), page: model, request: request, context: context,
            status: status)
    }

    /// The page again after a lost race: the current draft, the conflict said, the refused content kept as a copy.
    func renderConflict(
        _ request: Request, context: AppRequestContext, principal: Principal, conflict: DraftConflict, form: FormQuery? = nil,
        revisionOverride: Int? = nil
    ) async throws -> Response {
        try await renderProcedure(
            request, context: context, principal: principal, working: try await support.working(context, principal: principal), form: form,
            errors: ["conflict": support.conflictMessage(conflict, support.page(context))], order: ["conflict"], status: .conflict,
            revisionOverride: revisionOverride)
    }

    func saveGeneral(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        let expected = try support.revision(context)
        var procedure = working.procedure
        let snapshot = try await support.reference.current(support.repository)
        let allowed = Set(try await support.scopeInstitutions(principal, country: procedure.country).map(\.0))
        var reader = support.formReader(context)
        reader.applyGeneral(to: &procedure, institutions: allowed, categories: Set(snapshot.categories.map(\.id)))
        guard reader.errors.isEmpty else {
            return try await renderProcedure(
                request, context: context, principal: principal, working: working, form: context.postForm, errors: reader.errors, order: reader.order,
                status: .unprocessableContent, revisionOverride: expected)
        }
        do {
            try await editor.save(procedure, expectedRevision: expected, origin: support.origin(principal, context), summary: "general fields")
        } catch let conflict as DraftConflict {
            return try await renderConflict(
                request, context: context, principal: principal, conflict: conflict, form: context.postForm,
                revisionOverride: conflict.currentRevision)
        }
        return .redirect(to: CatalogRoute.editorProcedure.path(procedure.id) + "?saved=1", type: .normal)
    }

    // MARK: Preview, publish, discard

    func preview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        // The page as it will be public, with links that carry no language (the back office keeps it in its cookie).
        let format = CatalogFormatter(PageContext(language: context.language, localizer: renderer.localizer, keys: "catalog"))
        let model = try await procedurePages.page(working.procedure, format: format)
        let page = support.page(context)
        var response = try renderer.page(
            "catalog-procedure", title: model.title.text, page: model, request: request, context: context,
            banner: PreviewBanner(
                text: page.t("preview.banner"), link: page.t("preview.back"), href: CatalogRoute.editorProcedure.path(working.procedure.id)))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func publish(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        let expected = try support.revision(context)
        guard working.hasDraft else { throw AppError.conflict("editor_no_draft") }
        do {
            try await editor.publish(working.procedure.id, expectedRevision: expected, origin: support.origin(principal, context))
        } catch let conflict as DraftConflict {
            return try await renderConflict(request, context: context, principal: principal, conflict: conflict)
        } catch let invalid as CatalogValidationError {
            let page = support.page(context)
            var errors: [String: String] = [:]
            var order: [String] = []
            for (n, issue) in invalid.issues.prefix(20).enumerated() {
                let key = "publish_\(n)"
                errors[key] = page.t("errors.publish_issue", ["path": Self.readablePath(issue.path), "message": issue.message])
                order.append(key)
            }
            return try await renderProcedure(
                request, context: context, principal: principal, working: working, form: nil, errors: errors, order: order,
                status: .unprocessableContent)
        }
        return .redirect(to: CatalogRoute.editorHistory.path(working.procedure.id) + "?published=1", type: .normal)
    }

    /// `procedures[0] (sn-x).blocks[0].steps[1].costs[0].currency` → `blocks[0].steps[1].costs[0].currency`.
    static func readablePath(_ path: String) -> String {
        guard let range = path.range(of: ")") else { return path }
        let rest = path[range.upperBound...]
        return rest.hasPrefix(".") ? String(rest.dropFirst()) : String(rest)
    }

    func discard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        let expected = try support.revision(context)
        do {
            try await editor.discard(working.procedure.id, expectedRevision: expected, origin: support.origin(principal, context))
        } catch let conflict as DraftConflict {
            return try await renderConflict(request, context: context, principal: principal, conflict: conflict)
        }
        return .redirect(
            to: working.isPublished ? CatalogRoute.editorProcedure.path(working.procedure.id) : CatalogRoute.editorHome.path(), type: .normal)
    }

    // MARK: History and differences

    func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        let page = support.page(context)
        let id = working.procedure.id
        let versions = try await editor.versions(id)
        let model = HistoryPage(
            id: id, title: working.procedure.title.fr, back: CatalogRoute.editorProcedure.path(id), published: request.form["published"] == "1",
            publicPage: CatalogRoute.procedure.path(id), hasDraft: working.hasDraft,
            draftDiff: CatalogRoute.editorDiffLink(id, from: "published", to: "draft"),
            versions: versions.map { version in
                .init(
                    number: version.number, by: version.publishedBy, at: page.minute(stored: version.publishedAt), note: version.note,
                    diff: version.number > 1 ? CatalogRoute.editorDiffLink(id, from: "\(version.number - 1)", to: "\(version.number)") : "")
            })
        return try renderer.page("editor-history", title: page.t("history.title"), page: model, request: request, context: context)
    }

    func diff(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        let page = support.page(context)
        let id = working.procedure.id
        func load(_ name: String?) async throws -> Procedure? {
            switch name {
            case "draft": return working.hasDraft ? working.procedure : nil
            case "published": return try await editor.published(id)
            case let value?:
                guard let number = Int(value), number > 0 else { throw AppError.badParameter("from", value: value) }
                return try await editor.version(id, number: number)
            case nil: throw AppError.badParameter("to")
            }
        }
        let fromName = request.form["from"] ?? "published"
        let toName = request.form["to"] ?? "draft"
        guard let new = try await load(toName) else { throw AppError.notFound() }
        let old = try await load(fromName)
        let difference = try ProcedureDiff(from: old, to: new)
        func label(_ name: String) -> String {
            switch name {
            case "draft": return page.t("diff.draft")
            case "published": return page.t("diff.published")
            default: return page.t("diff.version", ["number": name])
            }
        }
        let model = DiffPage(
            title: working.procedure.title.fr, back: CatalogRoute.editorHistory.path(id), from: label(fromName), to: label(toName),
            lines: difference.lines.map { .init(path: $0.path, before: $0.before ?? "", after: $0.after ?? "") }, unchanged: difference.unchanged,
            none: difference.lines.isEmpty)
        return try renderer.page("editor-diff", title: page.t("diff.title"), page: model, request: request, context: context)
    }
}
