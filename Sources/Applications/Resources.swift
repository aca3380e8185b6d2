import Foundation

package enum ApplicationsResources {
    /// The `Resources` folder of this module (templates, locales, demo forms).
    package static var directory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    /// The applications' part of the OpenAPI document (paths and schemas), merged into `/api/v1/openapi.json`.
    package static var openAPI: URL { directory.appendingPathComponent("openapi-applications.json") }

    package static var demoForms: URL { directory.appendingPathComponent("Demo/forms.yaml") }
}
