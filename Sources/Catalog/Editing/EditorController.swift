import Audit
import FluentKit
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird
import SQLKit

/// The catalogue's back office: editors change procedures of their institutions on drafts, preview, publish,
/// and read the history; administrators also keep institutions and categories.
package struct EditorController: Sendable {
    let database: DatabaseService
    let renderer: Renderer
    let cache: ResponseCache
    let reference: ReferenceData

    package init(database: DatabaseService, renderer: Renderer, cache: ResponseCache, reference: ReferenceData) {
        self.database = database
        self.renderer = renderer
        self.cache = cache
        self.reference = reference
    }

    var editor: ProcedureEditor { ProcedureEditor(database: database.db, changes: cache.generation) }
    var repository: CatalogRepository { CatalogRepository(database: database.db, changes: cache.generation) }

    package static var menu: [MenuEntry] {
        [
            MenuEntry(path: EditorPaths.home, label: "editor.menu.catalog", description: "editor.menu.catalog_description", roles: [.catalogEditor]),
            MenuEntry(path: EditorPaths.institutions, label: "editor.menu.institutions", description: "editor.menu.institutions_description", roles: [.administrator]),
            MenuEntry(path: EditorPaths.categories, label: "editor.menu.categories", description: "editor.menu.categories_description", roles: [.administrator]),
        ]
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(EditorPaths.home)) { request, context in try await home(request, context: context) }
        router.get(RouterPath(EditorPaths.new)) { request, context in try await newPage(request, context: context, form: [:], errors: [:], order: []) }
        router.post(RouterPath(EditorPaths.new)) { request, context in try await create(request, context: context) }
        router.get(RouterPath(EditorPaths.procedurePattern)) { request, context in try await procedurePage(request, context: context) }
        router.post(RouterPath(EditorPaths.procedurePattern)) { request, context in try await saveGeneral(request, context: context) }
        router.get(RouterPath(EditorPaths.newStepPattern)) { request, context in try await newStep(request, context: context) }
        router.post(RouterPath(EditorPaths.newStepPattern)) { request, context in try await saveStep(request, context: context) }
        router.get(RouterPath(EditorPaths.stepPattern)) { request, context in try await stepPage(request, context: context) }
        router.post(RouterPath(EditorPaths.stepPattern)) { request, context in try await saveStep(request, context: context) }
        router.post(RouterPath(EditorPaths.stepActionPattern)) { request, context in try await stepAction(request, context: context) }
        router.get(RouterPath(EditorPaths.previewPattern)) { request, context in try await preview(request, context: context) }
        router.post(RouterPath(EditorPaths.publishPattern)) { request, context in try await publish(request, context: context) }
        router.post(RouterPath(EditorPaths.discardPattern)) { request, context in try await discard(request, context: context) }
        router.get(RouterPath(EditorPaths.historyPattern)) { request, context in try await history(request, context: context) }
        router.get(RouterPath(EditorPaths.diffPattern)) { request, context in try await diff(request, context: context) }
        router.get(RouterPath(EditorPaths.institutions)) { request, context in try await institutions(request, context: context) }
        router.get(RouterPath(EditorPaths.institutionPattern)) { request, context in try await institutionPage(request, context: context) }
        router.post(RouterPath(EditorPaths.institutionPattern)) { request, context in try await saveInstitution(request, context: context) }
        router.get(RouterPath(EditorPaths.categories)) { request, context in try await categories(request, context: context) }
        router.get(RouterPath(EditorPaths.categoryPattern)) { request, context in try await categoryPage(request, context: context) }
        router.post(RouterPath(EditorPaths.categoryPattern)) { request, context in try await saveCategory(request, context: context) }
    }

    func t(_ key: String, _ context: AppRequestContext, _ arguments: [String: String] = [:]) -> String {
        renderer.localizer.text(key, context.language, arguments)
    }

    func origin(_ principal: Principal, _ context: AppRequestContext) -> ActionOrigin {
        ActionOrigin(actor: principal.actor, requestId: context.requestId, address: context.clientAddress)
    }

    func editorPrincipal(_ context: AppRequestContext) throws -> Principal { try context.require(.catalogEditor) }

    /// The working copy of a procedure the principal may edit: 404 if unknown, 403 if another institution's.
    func working(_ context: AppRequestContext, principal: Principal) async throws -> ProcedureEditor.Working {
        let id = try context.parameters.require("id")
        guard let working = try await editor.working(id) else { throw AppError.notFound("procedure_not_found") }
        let published = try await editor.published(id)
        guard principal.actsFor(institution: working.procedure.institution), published.map({ principal.actsFor(institution: $0.institution) }) ?? true
        else { throw AppError(.forbidden, code: "forbidden") }
        return working
    }

    func revision(_ context: AppRequestContext) throws -> Int {
        guard let value = context.postForm["revision"], let revision = InputParser.natural(value, max: EditorAPIController.maxRevision) else {
            throw AppError.badParameter("revision")
        }
        return revision
    }

    func institutionsById() async throws -> [String: Institution] { try await reference.current(repository).institutions }

    func scopeInstitutions(_ principal: Principal, country: String) async throws -> [(String, Institution)] {
        try await institutionsById().filter { $0.value.country == country && principal.actsFor(institution: $0.key) }.sorted { $0.key < $1.key }
    }

    func formModel(_ errors: [String: String], _ order: [String]) -> [String: Any] {
        ["errors": errors, "summary": order.map { ["field": $0, "message": errors[$0] ?? ""] }, "hasErrors": !errors.isEmpty]
    }

    func conflictMessage(_ conflict: DraftConflict, _ context: AppRequestContext) -> String {
        t("editor.conflict", context, ["revision": "\(conflict.currentRevision)"])
    }

    // MARK: Home and creation

    func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let query = (request.form["q"] ?? "").trimmingCharacters(in: .whitespaces)
        let folded = TextFolding.words(query).joined(separator: " ")
        let sql = database.sql
        struct Row: Decodable {
            let id: String
            let title_fr: String
            let institution_id: String
        }
        var rows = try await sql.raw("SELECT id, title_fr, institution_id FROM procedures ORDER BY id").all(decoding: Row.self)
        rows = rows.filter { principal.actsFor(institution: $0.institution_id) }
        let drafts = try await editor.drafts().filter { principal.actsFor(institution: $0.institution) }
        let draftIds = Set(drafts.map(\.id))
        let matching = rows.filter { folded.isEmpty || TextFolding.words($0.title_fr + " " + $0.id).joined(separator: " ").contains(folded) }
        let model: [String: Any] = [
            "q": query,
            "drafts": drafts.map { ["href": EditorPaths.procedure($0.id), "title": $0.title, "id": $0.id, "by": $0.updatedBy, "at": $0.updatedAt.prefix(16).replacingOccurrences(of: "T", with: " "), "isNew": $0.isNew] },
            "procedures": matching.prefix(200).map { ["href": EditorPaths.procedure($0.id), "title": $0.title_fr, "id": $0.id, "institution": $0.institution_id, "hasDraft": draftIds.contains($0.id)] },
            "count": matching.count, "more": matching.count > 200,
        ]
        return try renderer.page("editor-home", title: t("editor.home.title", context), page: model, request: request, context: context)
    }

    func newPage(_ request: Request, context: AppRequestContext, form: [String: String], errors: [String: String], order: [String], status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let principal = try editorPrincipal(context)
        let institutions = try await institutionsById().filter { principal.actsFor(institution: $0.key) }.sorted { $0.key < $1.key }
        var model = formModel(errors, order)
        model["values"] = form
        model["institutions"] = institutions.map { ["id": $0.key, "name": $0.value.name.fr, "selected": form["institution"] == $0.key] }
        return try renderer.page("editor-new", title: t("editor.new.title", context), page: model, request: request, context: context, status: status)
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let fields = context.postForm
        let values = ["id": (fields["id"] ?? "").trimmingCharacters(in: .whitespaces).lowercased(), "institution": fields["institution"] ?? "", "title_fr": fields["title_fr"] ?? "", "title_en": fields["title_en"] ?? ""]
        var errors: [String: String] = [:]
        var order: [String] = []
        func fail(_ field: String, _ key: String) {
            if errors[field] == nil { order.append(field) }
            errors[field] = t("editor.errors.\(key)", context)
        }
        let institutions = try await institutionsById()
        let institution = institutions[values["institution"] ?? ""]
        if institution == nil || !principal.actsFor(institution: values["institution"] ?? "") { fail("institution", "institution_scope") }
        let id = values["id"] ?? ""
        let slugOK = id.count >= 4 && id.count <= 80 && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") } && !id.hasPrefix("-") && !id.hasSuffix("-")
        if !slugOK { fail("id", "slug") } else if let institution, !id.hasPrefix(institution.country.lowercased() + "-") { fail("id", "slug_country") }
        if (values["title_fr"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty { fail("title_fr", "required_fr") }
        if slugOK, try await editor.working(id) != nil { fail("id", "id_taken") }
        guard errors.isEmpty, let institution else {
            return try await newPage(request, context: context, form: values, errors: errors, order: order, status: .unprocessableContent)
        }
        let titleEn = (values["title_en"] ?? "").trimmingCharacters(in: .whitespaces)
        let procedure = Procedure(
            id: id, country: institution.country, title: LocalizedText(fr: (values["title_fr"] ?? "").trimmingCharacters(in: .whitespaces), en: titleEn.isEmpty ? nil : titleEn),
            summary: nil, audience: [.citizen], categories: [], institution: institution.id, channel: .counter, onlineUrl: nil, keywords: nil,
            eligibility: nil, status: .published, version: 0, lastReviewed: nil, sources: [], blocks: [Block(name: nil, mode: .sequence, optional: nil, steps: [])],
            additionalInfo: nil)
        do {
            try await editor.save(procedure, expectedRevision: 0, origin: origin(principal, context), summary: "new procedure")
        } catch is DraftConflict {
            fail("id", "id_taken")
            return try await newPage(request, context: context, form: values, errors: errors, order: order, status: .unprocessableContent)
        }
        return .redirect(to: EditorPaths.procedure(id), type: .normal)
    }

    // MARK: The procedure's page (general fields, blocks, steps)

    func procedurePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        return try await renderProcedure(request, context: context, principal: principal, working: working, values: nil, errors: [:], order: [], notice: nil)
    }

    func renderProcedure(
        _ request: Request, context: AppRequestContext, principal: Principal, working: ProcedureEditor.Working, values: FormQuery?,
        errors: [String: String], order: [String], notice: String?, status: HTTPResponse.Status = .ok, revisionOverride: Int? = nil
    ) async throws -> Response {
        let procedure = working.procedure
        let snapshot = try await reference.current(repository)
        func value(_ name: String, _ fallback: String?) -> String { values.map { $0[name] ?? "" } ?? (fallback ?? "") }
        func pair(_ base: String, _ text: LocalizedText?, _ label: String, long: Bool = false) -> [String: Any] {
            [
                "base": base, "label": label, "long": long, "fr": value("\(base)_fr", text?.fr), "en": value("\(base)_en", text?.en),
                "frError": (errors["\(base)_fr"].map { $0 as Any } ?? false), "enError": (errors["\(base)_en"].map { $0 as Any } ?? false),
            ]
        }
        let chosenCategories = values.map { form in Set(form.items.filter { $0.name == "category" }.map(\.value)) } ?? Set(procedure.categories)
        let chosenAudience = values.map { form in Set(form.items.filter { $0.name == "audience" }.map(\.value)) } ?? Set(procedure.audience.map(\.rawValue))
        let institutionValue = value("institution", procedure.institution)
        let channelValue = value("channel", procedure.channel.rawValue)
        var blocks: [[String: Any]] = []
        for (b, block) in procedure.blocks.enumerated() {
            let modeValue = value("block_\(b)_mode", block.mode.rawValue)
            blocks.append([
                "index": b, "number": b + 1, "name": pair("block_\(b)_name", block.name, t("editor.fields.block_name", context, ["number": "\(b + 1)"])),
                "optional": values.map { $0["block_\(b)_optional"] == "on" } ?? (block.optional == true),
                "modes": BlockMode.allCases.map { ["value": $0.rawValue, "label": t("editor.modes.\($0.rawValue)", context), "selected": $0.rawValue == modeValue] },
                "steps": block.steps.enumerated().map { s, step -> [String: Any] in
                    [
                        "number": s + 1, "title": step.title.fr, "href": EditorPaths.step(procedure.id, b, s),
                        "up": EditorPaths.stepAction(procedure.id, b, s, "up"), "down": EditorPaths.stepAction(procedure.id, b, s, "down"),
                        "delete": EditorPaths.stepAction(procedure.id, b, s, "delete"), "first": s == 0, "last": s == block.steps.count - 1,
                    ]
                },
                "addStep": EditorPaths.newStep(procedure.id) + "?block=\(b)",
            ])
        }
        let categoryItems: [[String: Any]] = snapshot.categories.map { category -> [String: Any] in
            ["id": category.id, "name": category.name.text(for: context.language.rawValue).text, "checked": chosenCategories.contains(category.id)]
        }
        let audienceItems: [[String: Any]] = Audience.allCases.map { audience -> [String: Any] in
            ["id": audience.rawValue, "name": t("editor.audience.\(audience.rawValue)", context), "checked": chosenAudience.contains(audience.rawValue)]
        }
        let channelItems: [[String: Any]] = Channel.allCases.map { channel -> [String: Any] in
            ["value": channel.rawValue, "label": t("editor.channels.\(channel.rawValue)", context), "selected": channel.rawValue == channelValue]
        }
        var model = formModel(errors, order)
        model.merge([
            "id": procedure.id, "action": EditorPaths.procedure(procedure.id), "revision": revisionOverride ?? working.revision,
            "hasDraft": working.hasDraft, "isPublished": working.isPublished, "notice": notice ?? "",
            "updatedBy": working.updatedBy ?? "", "updatedAt": working.updatedAt.map { $0.prefix(16).replacingOccurrences(of: "T", with: " ") } ?? "",
            "title": pair("title", procedure.title, t("editor.fields.title", context)),
            "summary": pair("summary", procedure.summary, t("editor.fields.summary", context), long: true),
            "eligibility": pair("eligibility", procedure.eligibility, t("editor.fields.eligibility", context), long: true),
            "additional": pair("additional", procedure.additionalInfo, t("editor.fields.additional", context), long: true),
            "onlineUrl": value("online_url", procedure.onlineUrl), "lastReviewed": value("last_reviewed", procedure.lastReviewed),
            "institutions": try await scopeInstitutions(principal, country: procedure.country).map { ["id": $0.0, "name": $0.1.name.fr, "selected": $0.0 == institutionValue] },
            "categories": categoryItems, "audiences": audienceItems, "channels": channelItems,
            "blocks": blocks, "addBlock": EditorPaths.stepAction(procedure.id, procedure.blocks.count, 0, "block"),
            "preview": EditorPaths.preview(procedure.id), "publish": EditorPaths.publish(procedure.id), "discard": EditorPaths.discard(procedure.id),
            "history": EditorPaths.history(procedure.id), "public": CatalogPaths.procedure(procedure.id),
            "diff": EditorPaths.diff(procedure.id, from: "published", to: "draft"),
            "conflicts": try await editor.conflicts(procedure.id).prefix(5).map { ["id": $0.id, "by": $0.savedBy, "at": $0.savedAt.prefix(16).replacingOccurrences(of: "T", with: " "), "title": $0.procedure.title.fr] },
        ]) { _, new in new }
        return try renderer.page(
            "editor-procedure", title: t("editor.procedure.title", context, ["title": procedure.title.fr]), page: model, request: request, context: context,
            status: status)
    }

    func saveGeneral(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        let expected = try revision(context)
        var procedure = working.procedure
        let snapshot = try await reference.current(repository)
        let allowed = Set(try await scopeInstitutions(principal, country: procedure.country).map(\.0))
        var reader = FormReader(form: context.postForm, localizer: renderer.localizer, language: context.language)
        reader.applyGeneral(to: &procedure, institutions: allowed, categories: Set(snapshot.categories.map(\.id)))
        guard reader.errors.isEmpty else {
            return try await renderProcedure(
                request, context: context, principal: principal, working: working, values: context.postForm, errors: reader.errors, order: reader.order,
                notice: nil, status: .unprocessableContent, revisionOverride: expected)
        }
        do {
            try await editor.save(procedure, expectedRevision: expected, origin: origin(principal, context), summary: "general fields")
        } catch let conflict as DraftConflict {
            return try await renderProcedure(
                request, context: context, principal: principal, working: try await self.working(context, principal: principal), values: context.postForm,
                errors: ["conflict": conflictMessage(conflict, context)], order: ["conflict"], notice: nil, status: .conflict, revisionOverride: conflict.currentRevision)
        }
        return .redirect(to: EditorPaths.procedure(procedure.id) + "?saved=1", type: .normal)
    }

    // MARK: Steps

    func stepIndexes(_ context: AppRequestContext, _ procedure: Procedure) throws -> (Int, Int) {
        guard let block = context.parameters.get("block", as: Int.self), let step = context.parameters.get("step", as: Int.self),
            procedure.blocks.indices.contains(block), procedure.blocks[block].steps.indices.contains(step)
        else { throw AppError.notFound() }
        return (block, step)
    }

    func newStep(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        guard let block = request.form["block"].flatMap(Int.init), working.procedure.blocks.indices.contains(block) else { throw AppError.badParameter("block") }
        return try await renderStep(request, context: context, principal: principal, working: working, block: block, index: nil, step: Step(title: LocalizedText(fr: "")), values: nil, errors: [:], order: [])
    }

    func stepPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        let (block, index) = try stepIndexes(context, working.procedure)
        return try await renderStep(
            request, context: context, principal: principal, working: working, block: block, index: index, step: working.procedure.blocks[block].steps[index],
            values: nil, errors: [:], order: [])
    }

    func renderStep(
        _ request: Request, context: AppRequestContext, principal: Principal, working: ProcedureEditor.Working, block: Int, index: Int?, step: Step,
        values: FormQuery?, errors: [String: String], order: [String], status: HTTPResponse.Status = .ok, revisionOverride: Int? = nil
    ) async throws -> Response {
        let procedure = working.procedure
        func value(_ name: String, _ fallback: String?) -> String { values.map { $0[name] ?? "" } ?? (fallback ?? "") }
        func field(_ name: String, _ fallback: String?) -> [String: Any] { ["name": name, "value": value(name, fallback), "error": (errors[name].map { $0 as Any } ?? false)] }
        func pair(_ base: String, _ text: LocalizedText?, _ label: String, long: Bool = false) -> [String: Any] {
            [
                "base": base, "label": label, "long": long, "fr": value("\(base)_fr", text?.fr), "en": value("\(base)_en", text?.en),
                "frError": (errors["\(base)_fr"].map { $0 as Any } ?? false), "enError": (errors["\(base)_en"].map { $0 as Any } ?? false),
            ]
        }
        func number(_ value: Int?) -> String? { value.map(String.init) }
        func checked(_ name: String, _ fallback: Bool) -> Bool { values.map { $0[name] == "on" } ?? fallback }
        let institutionValue = value("institution", step.institution)
        let results = (step.results ?? []) + [StepResult(name: LocalizedText(fr: ""), final: nil)]
        let requirements = (step.requirements ?? []) + [Requirement(name: LocalizedText(fr: "")), Requirement(name: LocalizedText(fr: ""))]
        let costs = (step.costs ?? []) + [Cost(kind: .amount)]
        let laws = (step.legalBases ?? []) + [LegalBasis(text: LocalizedText(fr: ""))]
        let newCostRow = (step.costs ?? []).count
        let currencyDefault = (try await reference.current(repository)).countriesByCode[procedure.country]?.currency ?? "XOF"
        let times: [[String: Any]] = [
                ["label": t("editor.step.wait", context), "min": field("wait_min", number(step.timeframe?.waitingInLineMinutes?.min)), "max": field("wait_max", number(step.timeframe?.waitingInLineMinutes?.max))],
                ["label": t("editor.step.counter", context), "min": field("counter_min", number(step.timeframe?.atCounterMinutes?.min)), "max": field("counter_max", number(step.timeframe?.atCounterMinutes?.max))],
                ["label": t("editor.step.days", context), "min": field("days_min", number(step.timeframe?.untilNextStepDays?.min)), "max": field("days_max", number(step.timeframe?.untilNextStepDays?.max))],
            ]
        let resultItems: [[String: Any]] = results.enumerated().map { i, result -> [String: Any] in
                ["n": i + 1, "name": pair("result_\(i)", result.name.fr.isEmpty ? nil : result.name, t("editor.step.result", context, ["number": "\(i + 1)"])), "finalName": "result_final_\(i)", "final": checked("result_final_\(i)", result.final == true)]
            }
        let requirementItems: [[String: Any]] = requirements.enumerated().map { i, requirement -> [String: Any] in
                [
                    "n": i + 1, "name": pair("req_\(i)", requirement.name.fr.isEmpty ? nil : requirement.name, t("editor.step.requirement", context, ["number": "\(i + 1)"])),
                    "originals": field("req_originals_\(i)", number(requirement.originals)), "copies": field("req_copies_\(i)", number(requirement.copies)),
                    "certified": field("req_certified_\(i)", number(requirement.certifiedCopies)), "notes": pair("req_notes_\(i)", requirement.notes, t("editor.step.requirement_notes", context)),
                ]
            }
        let costItems: [[String: Any]] = costs.enumerated().map { i, cost -> [String: Any] in
                let kindValue = value("cost_kind_\(i)", i == newCostRow ? "" : cost.kind.rawValue)
                let currencyValue = value("cost_currency_\(i)", cost.currency ?? currencyDefault)
                return [
                    "n": i + 1, "kindName": "cost_kind_\(i)", "kindError": (errors["cost_kind_\(i)"].map { $0 as Any } ?? false),
                    "kinds": costKinds(kindValue, context),
                    "amount": field("cost_amount_\(i)", cost.amount.map { value in Int(exactly: value).map(String.init) ?? String(value) }),
                    "currencyName": "cost_currency_\(i)", "currencyError": (errors["cost_currency_\(i)"].map { $0 as Any } ?? false),
                    "currencies": CatalogValidator.currencies.sorted().map { ["value": $0, "selected": $0 == currencyValue] },
                    "label": pair("cost_label_\(i)", cost.label, t("editor.step.cost_label", context)), "payment": pair("cost_payment_\(i)", cost.payment, t("editor.step.cost_payment", context)),
                ]
            }
        let lawItems: [[String: Any]] = laws.enumerated().map { i, law -> [String: Any] in
                ["n": i + 1, "text": pair("law_\(i)", law.text.fr.isEmpty ? nil : law.text, t("editor.step.law", context, ["number": "\(i + 1)"])), "article": field("law_article_\(i)", law.article), "url": field("law_url_\(i)", law.url)]
            }
        var model = formModel(errors, order)
        model.merge([
            "procedureId": procedure.id, "procedureTitle": procedure.title.fr, "back": EditorPaths.procedure(procedure.id),
            "action": index.map { EditorPaths.step(procedure.id, block, $0) } ?? (EditorPaths.newStep(procedure.id) + "?block=\(block)"),
            "isNew": index == nil, "blockNumber": block + 1, "stepNumber": (index ?? procedure.blocks[block].steps.count) + 1,
            "revision": revisionOverride ?? working.revision,
            "title": pair("title", step.title.fr.isEmpty ? nil : step.title, t("editor.step.title_field", context)),
            "office": pair("office", step.office, t("editor.step.office", context)),
            "stepAction": pair("action", step.action, t("editor.step.action", context), long: true),
            "recourse": pair("recourse", step.recourse, t("editor.step.recourse", context), long: true),
            "additional": pair("additional", step.additionalInfo, t("editor.fields.additional", context), long: true),
            "timeNotes": pair("time_notes", step.timeframe?.notes, t("editor.step.time_notes", context)),
            "online": checked("online", step.online == true), "optional": checked("optional", step.optional == true),
            "institutions": try await stepInstitutionChoices(procedure, principal: principal, chosen: institutionValue)
                .map { ["id": $0.key, "name": $0.value.name.fr, "selected": $0.key == institutionValue] },
            "noInstitution": institutionValue.isEmpty,
            "times": times, "results": resultItems, "requirements": requirementItems, "costs": costItems, "laws": lawItems,
        ]) { _, new in new }
        let title = index == nil ? t("editor.step.new_title", context) : t("editor.step.title", context, ["number": "\((index ?? 0) + 1)"])
        return try renderer.page("editor-step", title: title, page: model, request: request, context: context, status: status)
    }

    /// The institutions a step may name, kept short for a page on 2G: those the procedure already names, the editor's
    /// own, and those next to the lead institution (its parent and the parent's children).
    func stepInstitutionChoices(_ procedure: Procedure, principal: Principal, chosen: String) async throws -> [(key: String, value: Institution)] {
        let all = try await institutionsById()
        var ids = Set([procedure.institution, chosen] + procedure.blocks.flatMap(\.steps).compactMap(\.institution) + principal.institutions)
        if let parent = all[procedure.institution]?.parent {
            ids.insert(parent)
            ids.formUnion(all.filter { $0.value.parent == parent }.map(\.key))
        }
        return all.filter { ids.contains($0.key) && $0.value.country == procedure.country }.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    func costKinds(_ selected: String, _ context: AppRequestContext) -> [[String: Any]] {
        var kinds: [[String: Any]] = [["value": "", "label": t("editor.step.cost_none", context), "selected": selected.isEmpty]]
        for kind in CostKind.allCases {
            kinds.append(["value": kind.rawValue, "label": t("editor.cost_kinds.\(kind.rawValue)", context), "selected": kind.rawValue == selected])
        }
        return kinds
    }

    func saveStep(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        let isNew = context.parameters.get("block") == "new" || request.uri.path.hasSuffix("/steps/new")
        var procedure = working.procedure
        let block: Int
        let index: Int?
        if isNew {
            guard let b = request.form["block"].flatMap(Int.init), procedure.blocks.indices.contains(b) else { throw AppError.badParameter("block") }
            block = b
            index = nil
        } else {
            (block, index) = try stepIndexes(context, procedure).self
        }
        let expected = try revision(context)
        var step = index.map { procedure.blocks[block].steps[$0] } ?? Step(title: LocalizedText(fr: ""))
        let countryInstitutions = Set(try await institutionsById().filter { $0.value.country == procedure.country }.map(\.key))
        var reader = FormReader(form: context.postForm, localizer: renderer.localizer, language: context.language)
        reader.applyStep(to: &step, institutions: countryInstitutions)
        guard reader.errors.isEmpty else {
            return try await renderStep(
                request, context: context, principal: principal, working: working, block: block, index: index, step: step, values: context.postForm,
                errors: reader.errors, order: reader.order, status: .unprocessableContent, revisionOverride: expected)
        }
        if let index { procedure.blocks[block].steps[index] = step } else { procedure.blocks[block].steps.append(step) }
        do {
            try await editor.save(
                procedure, expectedRevision: expected, origin: origin(principal, context),
                summary: index.map { "step \(block + 1).\($0 + 1) edited" } ?? "step added to block \(block + 1)")
        } catch let conflict as DraftConflict {
            return try await renderStep(
                request, context: context, principal: principal, working: try await self.working(context, principal: principal), block: block, index: index, step: step,
                values: context.postForm, errors: ["conflict": conflictMessage(conflict, context)], order: ["conflict"], status: .conflict,
                revisionOverride: conflict.currentRevision)
        }
        return .redirect(to: EditorPaths.procedure(procedure.id) + "?saved=1", type: .normal)
    }

    /// Move up or down, delete a step, or add a block: small edits of the draft, each with the revision it was read at.
    func stepAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        let expected = try revision(context)
        var procedure = working.procedure
        let action = try context.parameters.require("action")
        let summary: String
        if action == "block" {
            procedure.blocks.append(Block(name: nil, mode: .sequence, optional: nil, steps: []))
            summary = "block \(procedure.blocks.count) added"
        } else {
            let (block, index) = try stepIndexes(context, procedure)
            switch action {
            case "up" where index > 0:
                procedure.blocks[block].steps.swapAt(index, index - 1)
            case "down" where index < procedure.blocks[block].steps.count - 1:
                procedure.blocks[block].steps.swapAt(index, index + 1)
            case "delete":
                procedure.blocks[block].steps.remove(at: index)
                if procedure.blocks[block].steps.isEmpty, procedure.blocks.count > 1 { procedure.blocks.remove(at: block) }
            default: throw AppError.badParameter("action", value: action)
            }
            summary = "step \(block + 1).\(index + 1): \(action)"
        }
        do {
            try await editor.save(procedure, expectedRevision: expected, origin: origin(principal, context), summary: summary)
        } catch let conflict as DraftConflict {
            return try await renderProcedure(
                request, context: context, principal: principal, working: try await self.working(context, principal: principal), values: nil,
                errors: ["conflict": conflictMessage(conflict, context)], order: ["conflict"], notice: nil, status: .conflict)
        }
        return .redirect(to: EditorPaths.procedure(procedure.id) + "?saved=1", type: .normal)
    }

    // MARK: Preview, publish, discard

    func preview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        let snapshot = try await reference.current(repository)
        let model = ProcedurePage(
            procedure: working.procedure, institutions: snapshot.institutions, categories: snapshot.categoriesById, countries: snapshot.countriesByCode,
            presenter: Presenter(language: context.language, localizer: renderer.localizer), langQuery: "")
        var response = try renderer.page(
            "catalog-procedure", title: model.title.text, page: model, request: request, context: context,
            banner: PreviewBanner(text: t("editor.preview.banner", context), link: t("editor.preview.back", context), href: EditorPaths.procedure(working.procedure.id)))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func publish(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        let expected = try revision(context)
        guard working.hasDraft else { throw AppError.conflict("editor_no_draft") }
        do {
            try await editor.publish(working.procedure.id, expectedRevision: expected, origin: origin(principal, context))
        } catch let conflict as DraftConflict {
            return try await renderProcedure(
                request, context: context, principal: principal, working: try await self.working(context, principal: principal), values: nil,
                errors: ["conflict": conflictMessage(conflict, context)], order: ["conflict"], notice: nil, status: .conflict)
        } catch let invalid as CatalogValidationError {
            var errors: [String: String] = [:]
            var order: [String] = []
            for (n, issue) in invalid.issues.prefix(20).enumerated() {
                let key = "publish_\(n)"
                errors[key] = t("editor.errors.publish_issue", context, ["path": Self.readablePath(issue.path), "message": issue.message])
                order.append(key)
            }
            return try await renderProcedure(
                request, context: context, principal: principal, working: working, values: nil, errors: errors, order: order, notice: nil, status: .unprocessableContent)
        }
        return .redirect(to: EditorPaths.history(working.procedure.id) + "?published=1", type: .normal)
    }

    /// `procedures[0] (sn-x).blocks[0].steps[1].costs[0].currency` → `blocks[0].steps[1].costs[0].currency`.
    static func readablePath(_ path: String) -> String {
        guard let range = path.range(of: ")") else { return path }
        let rest = path[range.upperBound...]
        return rest.hasPrefix(".") ? String(rest.dropFirst()) : String(rest)
    }

    func discard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        let expected = try revision(context)
        do {
            try await editor.discard(working.procedure.id, expectedRevision: expected, origin: origin(principal, context))
        } catch let conflict as DraftConflict {
            return try await renderProcedure(
                request, context: context, principal: principal, working: try await self.working(context, principal: principal), values: nil,
                errors: ["conflict": conflictMessage(conflict, context)], order: ["conflict"], notice: nil, status: .conflict)
        }
        return .redirect(to: working.isPublished ? EditorPaths.procedure(working.procedure.id) : EditorPaths.home, type: .normal)
    }

    // MARK: History and differences

    func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
        let id = working.procedure.id
        let versions = try await editor.versions(id)
        let model: [String: Any] = [
            "id": id, "title": working.procedure.title.fr, "back": EditorPaths.procedure(id), "published": request.form["published"] == "1",
            "public": CatalogPaths.procedure(id), "hasDraft": working.hasDraft, "draftDiff": EditorPaths.diff(id, from: "published", to: "draft"),
            "versions": versions.map { version -> [String: Any] in
                [
                    "number": version.number, "by": version.publishedBy, "at": version.publishedAt.prefix(16).replacingOccurrences(of: "T", with: " "),
                    "note": version.note, "diff": version.number > 1 ? EditorPaths.diff(id, from: "\(version.number - 1)", to: "\(version.number)") : "",
                ]
            },
        ]
        return try renderer.page("editor-history", title: t("editor.history.title", context), page: model, request: request, context: context)
    }

    func diff(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try editorPrincipal(context)
        let working = try await working(context, principal: principal)
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
            case "draft": return t("editor.diff.draft", context)
            case "published": return t("editor.diff.published", context)
            default: return t("editor.diff.version", context, ["number": name])
            }
        }
        let model: [String: Any] = [
            "title": working.procedure.title.fr, "back": EditorPaths.history(id), "from": label(fromName), "to": label(toName),
            "lines": difference.lines.map { ["path": $0.path, "before": $0.before ?? "", "after": $0.after ?? ""] },
            "unchanged": difference.unchanged, "none": difference.lines.isEmpty,
        ]
        return try renderer.page("editor-diff", title: t("editor.diff.title", context), page: model, request: request, context: context)
    }

    // MARK: Institutions and categories (administrators)

    func institutions(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.administrator)
        let query = (request.form["q"] ?? "").trimmingCharacters(in: .whitespaces)
        let folded = TextFolding.words(query).joined(separator: " ")
        let matching = try await institutionsById().sorted { $0.key < $1.key }
            .filter { folded.isEmpty || TextFolding.words($0.value.name.fr + " " + $0.key).joined(separator: " ").contains(folded) }
        let list = matching.prefix(50).map { ["id": $0.key, "name": $0.value.name.fr, "country": $0.value.country, "href": EditorPaths.institution($0.key)] }
        let model: [String: Any] = ["institutions": list, "q": query, "count": matching.count, "more": matching.count > 50]
        return try renderer.page("editor-institutions", title: t("editor.institutions.title", context), page: model, request: request, context: context)
    }

    func institutionPage(_ request: Request, context: AppRequestContext, values: FormQuery? = nil, errors: [String: String] = [:], order: [String] = [], status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        _ = try context.require(.administrator)
        let id = try context.parameters.require("id")
        guard let institution = try await institutionsById()[id] else { throw AppError.notFound() }
        func value(_ name: String, _ fallback: String?) -> String { values.map { $0[name] ?? "" } ?? (fallback ?? "") }
        func field(_ name: String, _ fallback: String?) -> [String: Any] {
            ["name": name, "label": t("editor.institutions.fields.\(name)", context), "value": value(name, fallback), "error": (errors[name].map { $0 as Any } ?? false)]
        }
        var model = formModel(errors, order)
        model.merge([
            "id": id, "title": institution.name.fr, "action": EditorPaths.institution(id), "back": EditorPaths.institutions,
            "fields": [
                field("name_fr", institution.name.fr), field("name_en", institution.name.en), field("acronym", institution.acronym),
                field("address_fr", institution.address?.fr), field("phone", institution.phone), field("email", institution.email), field("website", institution.website),
            ],
        ]) { _, new in new }
        return try renderer.page("editor-record", title: institution.name.fr, page: model, request: request, context: context, status: status)
    }

    func saveInstitution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.administrator)
        let id = try context.parameters.require("id")
        guard var institution = try await institutionsById()[id] else { throw AppError.notFound() }
        var reader = FormReader(form: context.postForm, localizer: renderer.localizer, language: context.language)
        if let name = reader.text("name", required: true, max: 300) { institution.name = name }
        institution.acronym = reader.string("acronym").isEmpty ? nil : reader.string("acronym")
        institution.address = reader.text("address", max: 500)
        institution.phone = reader.string("phone").isEmpty ? nil : reader.string("phone")
        let email = reader.string("email")
        if email.isEmpty { institution.email = nil } else if email.contains("@"), !email.contains(" ") { institution.email = email } else { reader.fail("email", "bad_email") }
        institution.website = reader.url("website")
        guard reader.errors.isEmpty else {
            return try await institutionPage(request, context: context, values: context.postForm, errors: reader.errors, order: reader.order, status: .unprocessableContent)
        }
        try await repository.importDocument(
            CatalogDocument(countries: [], categories: [], institutions: [institution], procedures: []), actor: principal.actor, requestId: context.requestId,
            note: "institution edited")
        return .redirect(to: EditorPaths.institutions, type: .normal)
    }

    func categories(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.administrator)
        let list = try await reference.current(repository).categories.map { ["id": $0.id, "name": $0.name.fr, "href": EditorPaths.category($0.id)] }
        return try renderer.page("editor-categories", title: t("editor.categories.title", context), page: ["categories": list], request: request, context: context)
    }

    func categoryPage(_ request: Request, context: AppRequestContext, values: FormQuery? = nil, errors: [String: String] = [:], order: [String] = [], status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        _ = try context.require(.administrator)
        let id = try context.parameters.require("id")
        guard let category = try await reference.current(repository).categoriesById[id] else { throw AppError.notFound() }
        func value(_ name: String, _ fallback: String?) -> String { values.map { $0[name] ?? "" } ?? (fallback ?? "") }
        var model = formModel(errors, order)
        model.merge([
            "id": id, "title": category.name.fr, "action": EditorPaths.category(id), "back": EditorPaths.categories,
            "fields": [("name_fr", category.name.fr), ("name_en", category.name.en), ("description_fr", category.description?.fr), ("description_en", category.description?.en)].map {
                ["name": $0.0, "value": value($0.0, $0.1), "error": (errors[$0.0].map { $0 as Any } ?? false), "label": t("editor.categories.fields.\($0.0)", context)]
            },
        ]) { _, new in new }
        return try renderer.page("editor-record", title: category.name.fr, page: model, request: request, context: context, status: status)
    }

    func saveCategory(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.administrator)
        let id = try context.parameters.require("id")
        guard var category = try await reference.current(repository).categoriesById[id] else { throw AppError.notFound() }
        var reader = FormReader(form: context.postForm, localizer: renderer.localizer, language: context.language)
        if let name = reader.text("name", required: true, max: 200) { category.name = name }
        category.description = reader.text("description", max: 1000)
        guard reader.errors.isEmpty else {
            return try await categoryPage(request, context: context, values: context.postForm, errors: reader.errors, order: reader.order, status: .unprocessableContent)
        }
        try await repository.importDocument(
            CatalogDocument(countries: [], categories: [category], institutions: [], procedures: []), actor: principal.actor, requestId: context.requestId,
            note: "category edited")
        return .redirect(to: EditorPaths.categories, type: .normal)
    }
}
