// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// What the procedure page offers from this feature once an e-form is published for the procedure: apply online
/// (with the catalogue's estimated time and fee), and follow an application already sent.
struct ApplyOnlineAction: ProcedureActionSource {
    static let applyKind = "apply"
    static let trackKind = "track"
    let forms: FormStore

    func actions(for procedure: ProcedureSubject) async throws -> [ProcedureAction] {
        guard try await forms.exists(procedure: procedure.id) else { return [] }
        var arguments: [String: String] = [:]
        if let time = procedure.time { arguments["time"] = time }
        if let cost = procedure.cost { arguments["cost"] = cost }
        let detail: String? =
            switch (procedure.time, procedure.cost) {
            case (.some, .some): "applications.procedure_action.apply_detail"
            case (.some, nil): "applications.procedure_action.apply_detail_time"
            case (nil, .some): "applications.procedure_action.apply_detail_cost"
            case (nil, nil): nil
            }
        return [
            ProcedureAction(
                kind: Self.applyKind, label: "applications.procedure_action.apply", detail: detail, href: ApplicationsRoute.apply.path(procedure.id),
                arguments: arguments),
            ProcedureAction(
                kind: Self.trackKind, label: "applications.procedure_action.track", detail: "applications.procedure_action.track_detail",
                href: ApplicationsRoute.track.path()),
        ]
    }
}
