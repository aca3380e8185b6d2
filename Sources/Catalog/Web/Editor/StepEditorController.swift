// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird

/// The catalogue's back office for a procedure's steps: add or change a step, move it up or down, delete it, add a
/// block. Each edit names the draft revision it was read at.
struct StepEditorController: Sendable {
    let support: EditorSupport
    /// Renders the procedure's page again when a small edit loses a race.
    let procedures: ProcedureEditorController

    var editor: ProcedureEditor { support.editor }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CatalogRoute.editorNewStep) { request, context in try await newStep(request, context: context) }
        router.post(CatalogRoute.editorNewStep) { request, context in try await saveStep(request, context: context, isNew: true) }
        router.get(CatalogRoute.editorStep) { request, context in try await stepPage(request, context: context) }
        router.post(CatalogRoute.editorStep) { request, context in try await saveStep(request, context: context, isNew: false) }
        router.post(CatalogRoute.editorStepAction) { request, context in try await stepAction(request, context: context) }
    }

    /// The block and step numbers of the path, 404 when the procedure has no such step.
    func stepIndexes(_ context: AppRequestContext, _ procedure: Procedure) throws -> (Int, Int) {
        guard let block = context.parameters.get("block", as: Int.self), let step = context.parameters.get("step", as: Int.self),
            procedure.blocks.indices.contains(block), procedure.blocks[block].steps.indices.contains(step)
        else { throw AppError.notFound() }
        return (block, step)
    }

    /// The block a new step goes to (`?block=`), 400 when the procedure has no such block.
    func newStepBlock(_ request: Request, _ procedure: Procedure) throws -> Int {
        guard let block = request.form["block"].flatMap(Int.init), procedure.blocks.indices.contains(block) else {
            throw AppError.badParameter("block")
        }
        return block
    }

    func newStep(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        let block = try newStepBlock(request, working.procedure)
        return try await renderStep(
            request, context: context, principal: principal, working: working, block: block, index: nil, step: Step(title: LocalizedText(fr: "")),
            form: nil, errors: [:], order: [])
    }

    func stepPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        let (block, index) = try stepIndexes(context, working.procedure)
        return try await renderStep(
            request, context: context, principal: principal, working: working, block: block, index: index,
            step: working.procedure.blocks[block].steps[index], form: nil, errors: [:], order: [])
    }

    func renderStep(
        _ request: Request, context: AppRequestContext, principal: Principal, working: ProcedureEditor.Working, block: Int, index: Int?, step: Step,
        form: FormQuery?, errors: [String: String], order: [String], status: HTTPResponse.Status = .ok, revisionOverride: Int? = nil
    ) async throws -> Response {
        let page = support.page(context)
        let procedure = working.procedure
        let values = FormValues(form: form, errors: errors)
        let snapshot = try await support.reference.current(support.repository)
        let institutionValue = values.value("institution", step.institution)
        let model = StepEditorPage(
            procedure: procedure, block: block, index: index, step: step, values: values, order: order, page: page,
            revision: revisionOverride ?? working.revision, currency: snapshot.countriesByCode[procedure.country]?.currency ?? "XOF",
            institutions: stepInstitutionChoices(procedure, principal: principal, chosen: institutionValue, all: snapshot.institutions))
        let title = index.map { page.t("step.title", ["number": "\($0 + 1)"]) } ?? page.t("step.new_title")
        return try support.renderer.page("editor-step", title: title, page: model, request: request, context: context, status: status)
    }

    /// The institutions a step may name, kept short for a page on 2G: those the procedure already names, the editor's
    /// own, and those next to the lead institution (its parent and the parent's children).
    func stepInstitutionChoices(
        _ procedure: Procedure, principal: Principal, chosen: String, all: [String: Institution]
    ) -> [(key: String, value: Institution)] {
        var ids = Set([procedure.institution, chosen] + procedure.blocks.flatMap(\.steps).compactMap(\.institution) + principal.institutions)
        if let parent = all[procedure.institution]?.parent {
            ids.insert(parent)
            ids.formUnion(all.filter { $0.value.parent == parent }.map(\.key))
        }
        return all.filter { ids.contains($0.key) && $0.value.country == procedure.country }.sorted { $0.key < $1.key }
            .map { (key: $0.key, value: $0.value) }
    }

    func saveStep(_ request: Request, context: AppRequestContext, isNew: Bool) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        var procedure = working.procedure
        let block: Int
        let index: Int?
        if isNew {
            block = try newStepBlock(request, procedure)
            index = nil
        } else {
            (block, index) = try stepIndexes(context, procedure)
        }
        let expected = try support.revision(context)
        var step = index.map { procedure.blocks[block].steps[$0] } ?? Step(title: LocalizedText(fr: ""))
        let countryInstitutions = Set(try await support.institutionsById().filter { $0.value.country == procedure.country }.map(\.key))
        var reader = support.formReader(context)
        reader.applyStep(to: &step, institutions: countryInstitutions)
        guard reader.errors.isEmpty else {
            return try await renderStep(
                request, context: context, principal: principal, working: working, block: block, index: index, step: step, form: context.postForm,
                errors: reader.errors, order: reader.order, status: .unprocessableContent, revisionOverride: expected)
        }
        if let index { procedure.blocks[block].steps[index] = step } else { procedure.blocks[block].steps.append(step) }
        do {
            try await editor.save(
                procedure, expectedRevision: expected, origin: support.origin(principal, context),
                summary: index.map { "step \(block + 1).\($0 + 1) edited" } ?? "step added to block \(block + 1)")
        } catch let conflict as DraftConflict {
            return try await renderStep(
                request, context: context, principal: principal, working: try await support.working(context, principal: principal), block: block,
                index: index, step: step, form: context.postForm, errors: ["conflict": support.conflictMessage(conflict, support.page(context))],
                order: ["conflict"], status: .conflict, revisionOverride: conflict.currentRevision)
        }
        return .redirect(to: CatalogRoute.editorProcedure.path(procedure.id) + "?saved=1", type: .normal)
    }

    /// Move up or down, delete a step, or add a block: small edits of the draft, each with the revision it was read at.
    func stepAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try support.editorPrincipal(context)
        let working = try await support.working(context, principal: principal)
        let expected = try support.revision(context)
        var procedure = working.procedure
        let action = try context.pathValue("action")
        let summary: String
        if action == "block" {
            procedure.blocks.append(Block(mode: .sequence, steps: []))
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
            try await editor.save(procedure, expectedRevision: expected, origin: support.origin(principal, context), summary: summary)
        } catch let conflict as DraftConflict {
            return try await procedures.renderConflict(request, context: context, principal: principal, conflict: conflict)
        }
        return .redirect(to: CatalogRoute.editorProcedure.path(procedure.id) + "?saved=1", type: .normal)
    }
}
