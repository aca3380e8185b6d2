// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// The editor's page of one procedure: its general form, its blocks and the list of their steps, and the draft's state.
struct ProcedureEditorPage {
    let errors: [String: String]
    let summary: [ErrorItem]
    let hasErrors: Bool
    let back: String
    let id: String
    let action: String
    let revision: Int
    let hasDraft: Bool
    let isPublished: Bool
    let updatedBy: String
    let updatedAt: String
    let title: LocalizedPair
    /// The procedure's summary (`summary` is the form's error summary).
    let summaryField: LocalizedPair
    let eligibility: LocalizedPair
    let additional: LocalizedPair
    let onlineUrl: String
    let lastReviewed: String
    let institutions: [InstitutionChoice]
    let categories: [CheckView]
    let audiences: [CheckView]
    let channels: [OptionView]
    let blocks: [BlockRow]
    let addBlock: String
    let preview: String
    let publish: String
    let discard: String
    let history: String
    let publicPage: String
    let diff: String
    let conflicts: [ConflictItem]

    struct BlockRow {
        let index: Int
        let number: Int
        let name: LocalizedPair
        let optional: Bool
        let modes: [OptionView]
        let steps: [StepRow]
        let addStep: String
    }

    struct StepRow {
        let number: Int
        let title: String
        let href: String
        let up: String
        let down: String
        let delete: String
        let first: Bool
        let last: Bool
    }

    struct ConflictItem {
        let id: Int
        let by: String
        let at: String
        let title: String
    }
}

extension ProcedureEditorPage {
    /// `institutions`: those the editor may choose as the lead (their own, in the procedure's country).
    init(
        working: ProcedureEditor.Working, values: FormValues, order: [String], page: PageContext, revision: Int, snapshot: ReferenceData.Snapshot,
        institutions: [(String, Institution)], conflicts: [ProcedureEditor.ConflictCopy]
    ) {
        let procedure = working.procedure
        let id = procedure.id
        func chosen(_ name: String, _ stored: [String]) -> Set<String> {
            values.form.map { form in Set(form.items.filter { $0.name == name }.map(\.value)) } ?? Set(stored)
        }
        let chosenCategories = chosen("category", procedure.categories)
        let chosenAudience = chosen("audience", procedure.audience.map(\.rawValue))
        let institutionValue = values.value("institution", procedure.institution)
        let channelValue = values.value("channel", procedure.channel.rawValue)

        errors = values.errors
        summary = ErrorItem.summary(values.errors, order)
        hasErrors = !values.errors.isEmpty
        back = CatalogRoute.editorHome.path()
        self.id = id
        action = CatalogRoute.editorProcedure.path(id)
        self.revision = revision
        hasDraft = working.hasDraft
        isPublished = working.isPublished
        updatedBy = working.updatedBy ?? ""
        updatedAt = working.updatedAt.map { page.minute(stored: $0) } ?? ""
        title = values.pair("title", procedure.title, page.t("fields.title"))
        summaryField = values.pair("summary", procedure.summary, page.t("fields.summary"), long: true)
        eligibility = values.pair("eligibility", procedure.eligibility, page.t("fields.eligibility"), long: true)
        additional = values.pair("additional", procedure.additionalInfo, page.t("fields.additional"), long: true)
        onlineUrl = values.value("online_url", procedure.onlineUrl)
        lastReviewed = values.value("last_reviewed", procedure.lastReviewed)
        self.institutions = institutions.map { InstitutionChoice(id: $0.0, name: $0.1.name.fr, selected: $0.0 == institutionValue) }
        categories = snapshot.categories.map {
            CheckView(id: $0.id, name: $0.name.text(for: page.language.rawValue).text, checked: chosenCategories.contains($0.id))
        }
        audiences = Audience.allCases.map {
            CheckView(id: $0.rawValue, name: page.t("audience.\($0.rawValue)"), checked: chosenAudience.contains($0.rawValue))
        }
        channels = Channel.allCases.map {
            OptionView(value: $0.rawValue, label: page.t("channels.\($0.rawValue)"), selected: $0.rawValue == channelValue)
        }
        blocks = procedure.blocks.enumerated().map { b, block in
            let modeValue = values.value("block_\(b)_mode", block.mode.rawValue)
            return BlockRow(
                index: b, number: b + 1, name: values.pair("block_\(b)_name", block.name, page.t("fields.block_name", ["number": "\(b + 1)"])),
                optional: values.checked("block_\(b)_optional", block.optional == true),
                modes: BlockMode.allCases.map {
                    OptionView(value: $0.rawValue, label: page.t("modes.\($0.rawValue)"), selected: $0.rawValue == modeValue)
                },
                steps: block.steps.enumerated().map { s, step in
                    StepRow(
                        number: s + 1, title: step.title.fr, href: CatalogRoute.editorStep.path(id, "\(b)", "\(s)"),
                        up: CatalogRoute.editorStepAction.path(id, "\(b)", "\(s)", "up"),
                        down: CatalogRoute.editorStepAction.path(id, "\(b)", "\(s)", "down"),
                        delete: CatalogRoute.editorStepAction.path(id, "\(b)", "\(s)", "delete"), first: s == 0, last: s == block.steps.count - 1)
                },
                addStep: CatalogRoute.editorNewStepLink(id, block: b))
        }
        addBlock = CatalogRoute.editorStepAction.path(id, "\(procedure.blocks.count)", "0", "block")
        preview = CatalogRoute.editorPreview.path(id)
        publish = CatalogRoute.editorPublish.path(id)
        discard = CatalogRoute.editorDiscard.path(id)
        history = CatalogRoute.editorHistory.path(id)
        publicPage = CatalogRoute.procedure.path(id)
        diff = CatalogRoute.editorDiffLink(id, from: "published", to: "draft")
        self.conflicts = conflicts.prefix(5).map {
            ConflictItem(id: $0.id, by: $0.savedBy, at: page.minute(stored: $0.savedAt), title: $0.procedure.title.fr)
        }
    }
}
