import Foundation

package enum CatalogResources {
    /// The `Resources` folder of this module (templates, locales, demo data, OpenAPI document).
    package static var directory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    package static var demoFiles: [URL] {
        ["common", "sn", "tg", "cg"].map { directory.appendingPathComponent("Demo/\($0).yaml") }
    }
}
