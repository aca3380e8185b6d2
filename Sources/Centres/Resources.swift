import Foundation

package enum CentresResources {
    /// The `Resources` folder of this module (templates, locales, demo directory).
    package static var directory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }

    package static var demoFiles: [URL] {
        ["sn", "tg", "cg"].map { directory.appendingPathComponent("Demo/\($0).yaml") }
    }
}
