// SPDX-License-Identifier: MPL-2.0
import Foundation

package enum CoreResources {
    /// The `Resources` folder of this module (templates, locales, stylesheet).
    package static var directory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Resources")
    }
}
