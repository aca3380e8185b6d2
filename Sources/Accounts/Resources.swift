import Foundation

package enum AccountsResources {
    /// The `Resources` folder of this module (templates and locales of the back office's own pages).
    package static var directory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }
}
