/// Every path of the catalogue's back office, named once.
package enum EditorPaths {
    package static let home = "/admin/catalog"
    package static let new = "/admin/catalog/new"
    package static let procedurePattern = "/admin/catalog/procedures/:id"
    package static let stepPattern = "/admin/catalog/procedures/:id/steps/:block/:step"
    package static let newStepPattern = "/admin/catalog/procedures/:id/steps/new"
    package static let stepActionPattern = "/admin/catalog/procedures/:id/steps/:block/:step/:action"
    package static let previewPattern = "/admin/catalog/procedures/:id/preview"
    package static let publishPattern = "/admin/catalog/procedures/:id/publish"
    package static let discardPattern = "/admin/catalog/procedures/:id/discard"
    package static let historyPattern = "/admin/catalog/procedures/:id/history"
    package static let diffPattern = "/admin/catalog/procedures/:id/diff"
    package static let institutions = "/admin/catalog/institutions"
    package static let institutionPattern = "/admin/catalog/institutions/:id"
    package static let categories = "/admin/catalog/categories"
    package static let categoryPattern = "/admin/catalog/categories/:id"

    package static func procedure(_ id: String) -> String { "/admin/catalog/procedures/\(id)" }
    package static func step(_ id: String, _ block: Int, _ step: Int) -> String { "/admin/catalog/procedures/\(id)/steps/\(block)/\(step)" }
    package static func newStep(_ id: String) -> String { "/admin/catalog/procedures/\(id)/steps/new" }
    package static func stepAction(_ id: String, _ block: Int, _ step: Int, _ action: String) -> String {
        "/admin/catalog/procedures/\(id)/steps/\(block)/\(step)/\(action)"
    }
    package static func preview(_ id: String) -> String { "/admin/catalog/procedures/\(id)/preview" }
    package static func publish(_ id: String) -> String { "/admin/catalog/procedures/\(id)/publish" }
    package static func discard(_ id: String) -> String { "/admin/catalog/procedures/\(id)/discard" }
    package static func history(_ id: String) -> String { "/admin/catalog/procedures/\(id)/history" }
    package static func diff(_ id: String, from: String, to: String) -> String { "/admin/catalog/procedures/\(id)/diff?from=\(from)&to=\(to)" }
    package static func institution(_ id: String) -> String { "/admin/catalog/institutions/\(id)" }
    package static func category(_ id: String) -> String { "/admin/catalog/categories/\(id)" }
}
