// SPDX-License-Identifier: MPL-2.0
import Hummingbird

/// The request context of every route: the negotiated language travels with the request.
package struct AppRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package var language: Language = .fr
    /// True when the language came from `?lang=`: links then carry it on.
    package var languageInQuery = false
    /// The country whose procedures and centres come first (ISO 3166-1 alpha-2): the person's choice, remembered in the
    /// `country` cookie, else the deployment's default (`GUICHET_COUNTRY`); nil when neither says.
    package var country: String?
    /// True when `country` is the person's own choice (the cookie), not the deployment's default.
    package var countryChosen = false
    /// Set by the session or bearer-token middleware when the request is authenticated.
    package var principal: Principal?
    /// The CSRF token of the session (or of the anonymous form cookie) that forms must echo back in `_csrf`; a visitor's
    /// is drawn only when something reads it (a page with a form), so a page without one costs no HMAC.
    package var csrf: CSRFToken?
    /// The token's text (drawing a visitor's); setting it gives a session's token.
    package var csrfToken: String? {
        get { csrf?.value }
        set { csrf = newValue.map(CSRFToken.init(value:)) }
    }
    /// The client's address as seen by the server (or the first `X-Forwarded-For` hop when configured to trust it).
    package var clientAddress: String?
    /// The fields of a posted `application/x-www-form-urlencoded` body, read once by the CSRF middleware.
    package var postForm = FormQuery(nil)
    /// A posted `multipart/form-data` body (files), parsed once by the CSRF middleware; its text fields are in `postForm`.
    package var multipart: MultipartForm?

    /// Set for a user whose password was reset: the back office sends them to the password form first.
    package var mustChangePassword = false
    /// The peer's IP address as the socket saw it (nil in router tests).
    package let channelAddress: String?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channelAddress = source.channel.remoteAddress?.ipAddress
    }

    package var requestId: String { id }
}
