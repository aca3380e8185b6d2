// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// Settings of sign-in and sessions, from the application's configuration.
package struct AccountSettings: Sendable {
    package var bcryptCost: Int
    /// A session unused for this long is over.
    package var idleTimeout: TimeInterval
    /// A session is over this long after sign-in, however busy.
    package var absoluteTimeout: TimeInterval
    /// Failed sign-ins allowed per account and per address within `failureWindow`.
    package var maxFailures: Int
    package var failureWindow: TimeInterval

    package init(
        bcryptCost: Int = 12, idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 12 * 3600, maxFailures: Int = 5,
        failureWindow: TimeInterval = 15 * 60
    ) {
        self.bcryptCost = bcryptCost
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.maxFailures = maxFailures
        self.failureWindow = failureWindow
    }

    package init(_ configuration: AppConfiguration) {
        self.init(
            bcryptCost: configuration.bcryptCost, idleTimeout: configuration.sessionIdleTimeout,
            absoluteTimeout: configuration.sessionAbsoluteTimeout)
    }
}
