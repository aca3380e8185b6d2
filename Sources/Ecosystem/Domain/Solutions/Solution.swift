// SPDX-License-Identifier: MPL-2.0
import Catalog
import Crypto
import Foundation
import GuichetCore

package enum Maturity: String, CaseIterable, Codable, Sendable {
    case idea, prototype, pilot
    case atScale = "at_scale"

    /// Words a CSV file or a Labs answer may use, folded (no case, no accents).
    static let synonyms: [String: Maturity] = [
        "idea": .idea, "idee": .idea, "concept": .idea,
        "prototype": .prototype, "prototypage": .prototype, "mvp": .prototype,
        "pilot": .pilot, "pilote": .pilot, "test": .pilot, "experimentation": .pilot,
        "at scale": .atScale, "at_scale": .atScale, "scale": .atScale, "a l echelle": .atScale, "echelle": .atScale,
        "product": .atScale, "produit": .atScale, "deployed": .atScale, "deploye": .atScale,
    ]

    package init?(word: String) {
        let folded = TextFolding.words(word).joined(separator: " ")
        guard let value = Self.synonyms[folded] ?? Maturity(rawValue: folded) else { return nil }
        self = value
    }

    /// Higher is further along: used by the matching score.
    package var rank: Int {
        switch self {
        case .idea: 0
        case .prototype: 1
        case .pilot: 2
        case .atScale: 3
        }
    }
}

package enum Channel: String, CaseIterable, Codable, Sendable {
    case web, app, ussd, sms, agent

    static let synonyms: [String: Channel] = [
        "web": .web, "site": .web, "site web": .web, "website": .web, "internet": .web,
        "app": .app, "application": .app, "mobile app": .app, "application mobile": .app, "appli": .app,
        "ussd": .ussd, "sms": .sms, "agent": .agent, "agents": .agent, "guichet": .agent, "assisted": .agent, "assiste": .agent,
    ]

    package init?(word: String) {
        let folded = TextFolding.words(word).joined(separator: " ")
        guard let value = Self.synonyms[folded] ?? Channel(rawValue: folded) else { return nil }
        self = value
    }
}

/// An innovative solution of the ecosystem. Stored as this document beside the columns lists filter on.
/// It never holds personal data: the Labs records' contact answers are dropped before it is built.
package struct Solution: Equatable, Sendable, Codable {
    package enum Source: String, Codable, Sendable {
        case labs, csv, sample
    }

    package var id: String
    package var source: Source
    package var name: String
    package var descriptionFr: String?
    package var descriptionEn: String?
    /// Organisations that hold the solution (names of organisations, never of people).
    package var owners: [String] = []
    package var countries: [String] = []
    package var places: [String] = []
    package var thematicAreas: [String] = []
    package var sdgs: [Int] = []
    package var maturity: Maturity?
    package var channels: [Channel] = []
    package var openSource: Bool?
    package var digitalPublicGood: Bool = false
    package var links: [String] = []
    /// Sectors served, in the catalogue's words ("état civil", "santé"…).
    package var sectors: [String] = []
    /// Ids of catalogue procedures the solution serves.
    package var procedures: [String] = []
    package var year: Int?

    package init(id: String, source: Source, name: String) {
        self.id = id
        self.source = source
        self.name = name
    }

    /// A readable slug and a short hash of what identifies the solution, so a re-import finds it again.
    package static func makeId(prefix: String, name: String, identity: [String]) -> String {
        let key = ([TextFolding.words(name).joined(separator: " ")] + identity).joined(separator: "|")
        let digest = SHA256.hash(data: Data(key.utf8)).prefix(4).hexLowercase
        let slug = TextFolding.words(name).prefix(8).joined(separator: "-")
        return prefix + (slug.isEmpty ? "solution" : String(slug.prefix(60))) + "-" + digest
    }
}
