// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// Assisted digital: where a centre agent picks the procedure to file for the visitor at the counter. The centres'
/// console links here with the visitor's ticket (through `ApplicationsModule.visitorActions`).
struct AssistedController: Sendable {
    let forms: FormStore
    let catalog: CatalogRepository
    let renderer: Renderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(ApplicationsRoute.assisted, use: assisted)
    }

    struct AssistedRow {
        let href: String
        let title: String
        let country: String
    }

    struct AssistedPage {
        let rows: [AssistedRow]
        let ticket: String?
        let centre: String?
    }

    /// The procedures a centre agent can file for a visitor; `?ticket=` links the application to the visit.
    @Sendable func assisted(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.centreAgent)
        let v = PageContext(applications: context, renderer.localizer)
        let ticket = request.uri.queryParameters.get("ticket").flatMap { $0.count <= 64 && !$0.isEmpty ? $0 : nil }
        let procedures = try await catalog.procedures(ids: Array(try await forms.procedures()).sorted())
        let rows = procedures.map { procedure in
            AssistedRow(
                href: ApplicationsRoute.apply.path(procedure.id) + (ticket.map { "?ticket=\(FormQuery.encode($0))" } ?? ""),
                title: v.text(procedure.title),
                country: procedure.country.uppercased())
        }
        return try renderer.page(
            "applications-assisted", title: v.t("assisted.title"), page: AssistedPage(rows: rows, ticket: ticket, centre: principal.centres.first),
            request: request,
            context: context)
    }
}
