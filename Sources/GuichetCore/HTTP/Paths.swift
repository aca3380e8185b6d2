// SPDX-License-Identifier: MPL-2.0
/// Paths shared by every feature. Each feature names its own in its `…Paths` type.
package enum CorePaths {
    package static let stylesheet = "/static/guichet.css"
    package static let adminStylesheet = "/static/admin.css"
    package static let ping = "/ping"
    package static let health = "/healthz"
    package static let metrics = "/metrics"
    package static let apiPrefix = "/api/"
    /// The SMS and USSD gateways' callbacks: authenticated by the deployment's callback secret, never by a cookie.
    package static let callbackPrefix = "/channels/"
    /// The mobile-money operators' callbacks (authenticated by their secret, then confirmed with the operator).
    package static let paymentCallbackPrefix = "/payments/callback"
    /// The back office: every page under it needs a signed-in user.
    package static let backOffice = "/admin"
    package static let signIn = "/admin/sign-in"
}
