/// Something a person can do about a procedure, offered by the feature that does it (apply online, go to a centre,
/// report a digitalisation need). The catalogue's procedure page renders what it is given and knows no other
/// feature's paths.
package struct ProcedureAction: Sendable, Equatable {
    /// What kind of action it is (`apply`, `track`, `centre`, `report_need`): the page's order and styling.
    package let kind: String
    /// Locale key of the link's text.
    package let label: String
    /// Locale key of a sentence under the link, if any.
    package let detail: String?
    /// Where it leads (without the language query; the page adds it).
    package let href: String

    package init(kind: String, label: String, detail: String? = nil, href: String) {
        self.kind = kind
        self.label = label
        self.detail = detail
        self.href = href
    }
}

/// The procedure an action is asked about.
package struct ProcedureSubject: Sendable {
    package let id: String
    package let country: String
    package let institutions: [String]

    package init(id: String, country: String, institutions: [String]) {
        self.id = id
        self.country = country
        self.institutions = institutions
    }
}

/// A feature's contribution to the procedure page. Answers must be cheap (the page is cached per catalogue
/// generation plus each source's `version`); a source whose answers change without a catalogue change raises its
/// version so that cached pages are rebuilt.
package protocol ProcedureActionSource: Sendable {
    /// What this source offers about the procedure (the same to everyone: the page is cached).
    func actions(for procedure: ProcedureSubject) async throws -> [ProcedureAction]
}

/// What an agent can do for the visitor holding a ticket, offered by another feature (Applications: file an
/// application for them). The centres' console renders what it is given.
package protocol VisitorActionSource: Sendable {
    func visitorActions(ticket: String, principal: Principal) -> [ProcedureAction]
}
