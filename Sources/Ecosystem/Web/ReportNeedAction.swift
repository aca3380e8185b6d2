// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// The ecosystem's contribution to every procedure page: an analyst may start a need from it (the form is filled in
/// with the procedure's institution and country).
struct ReportNeedAction: ProcedureActionSource {
    static let kind = "report_need"
    static let label = "ecosystem.procedure_action.report_need"

    func actions(for procedure: ProcedureSubject) async throws -> [ProcedureAction] {
        [ProcedureAction(kind: Self.kind, label: Self.label, href: EcosystemRoute.newNeedFor.path(procedure.id))]
    }
}
