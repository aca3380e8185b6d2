import Hummingbird

/// The request context of every route: the negotiated language travels with the request.
package struct AppRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package var language: Language = .fr
    /// True when the language came from `?lang=`: links then carry it on.
    package var languageInQuery = false

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    package var requestId: String { id }
}
