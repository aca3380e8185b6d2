// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Yams

/// A text in French and, when written, English (English falls back to French).
package struct LocalText: Codable, Sendable, Equatable {
    package var fr: String
    package var en: String?

    package init(fr: String, en: String? = nil) {
        self.fr = fr
        self.en = en
    }

    package func text(_ language: Language) -> String { language == .en ? (en ?? fr) : fr }
}

package struct SourceReference: Codable, Sendable, Equatable {
    package var title: String
    package var url: String
    package var date: String?
}

/// `guichet-centres/1`: the interchange format of the directory, in YAML or JSON. A centre may name a `network`
/// whose hours, services and counters it takes unless it gives its own.
package struct CentresDocument: Codable, Sendable {
    package var format: String
    package var networks: [Network]?
    package var centres: [Entry]
    package var commitments: [CommitmentEntry]?

    package struct Network: Codable, Sendable {
        package var id: String
        package var hours: [Hours]?
        package var hoursConfirmed: Bool?
        package var services: [Service]?
        package var counters: [String]?
    }

    package struct Hours: Codable, Sendable, Equatable {
        /// ISO weekdays: 1 Monday … 7 Sunday.
        package var days: [Int]
        package var opens: String
        package var closes: String
    }

    package struct Service: Codable, Sendable, Equatable {
        /// Short key, unique in the centre (`etat-civil`); the service id is `<centre>.<key>`.
        package var key: String
        /// The ticket prefix (`A` gives A001, A002…).
        package var letter: String
        package var name: LocalText
        package var institution: String?
        package var procedures: [String]?
    }

    package struct Closure: Codable, Sendable, Equatable {
        /// Local date `YYYY-MM-DD` in the centre's time zone.
        package var day: String
        package var reason: LocalText
    }

    package struct Entry: Codable, Sendable {
        package var id: String
        package var country: String
        package var region: String
        package var department: String
        package var name: LocalText
        /// `open` (confirmed by a cited source) or `planned`.
        package var status: String
        package var network: String?
        package var institution: String?
        package var address: LocalText?
        package var latitude: Double
        package var longitude: Double
        package var timezone: String
        package var hours: [Hours]?
        package var hoursConfirmed: Bool?
        package var services: [Service]?
        package var counters: [String]?
        package var closures: [Closure]?
        package var sources: [SourceReference]
    }

    package struct CommitmentEntry: Codable, Sendable, Equatable {
        /// `wait` (share served within `minutes`) or `satisfaction` (share of good ratings).
        package var kind: String
        package var minutes: Int?
        package var target: Int
        /// How the network names it; the results page also states the target in words.
        package var label: LocalText?
    }

    package static let formatName = "guichet-centres/1"

    package static func decode(yaml text: String) throws -> CentresDocument {
        try YAMLDecoder().decode(CentresDocument.self, from: text)
    }

    package static func decode(file url: URL) throws -> CentresDocument {
        let text = try String(contentsOf: url, encoding: .utf8)
        if url.pathExtension.lowercased() == "json" { return try JSONDecoder().decode(CentresDocument.self, from: Data(text.utf8)) }
        return try decode(yaml: text)
    }

    package static func merged(_ documents: [CentresDocument]) -> CentresDocument {
        CentresDocument(
            format: formatName, networks: documents.flatMap { $0.networks ?? [] }, centres: documents.flatMap(\.centres),
            commitments: documents.compactMap(\.commitments).last)
    }
}

/// What a centre is once its network is applied, as stored in `centres.data` and read by the pages.
package struct Centre: Codable, Sendable, Equatable {
    package var id: String
    package var country: String
    package var region: String
    package var department: String
    package var name: LocalText
    package var status: String
    package var institution: String?
    package var address: LocalText?
    package var latitude: Double
    package var longitude: Double
    package var timezone: String
    package var hoursConfirmed: Bool
    package var sources: [SourceReference]

    package var isOpenStatus: Bool { status == "open" }
    package var timeZone: TimeZone { TimeZone(identifier: timezone) ?? .gmt }
}

/// Opening hours of one weekday, in minutes after local midnight.
package struct OpeningSpan: Sendable, Equatable {
    package var weekday: Int
    package var opens: Int
    package var closes: Int
}

package struct Closure: Sendable, Equatable {
    package var day: String
    package var reason: LocalText
}

package struct CentreService: Sendable, Equatable {
    package var id: String
    package var centreId: String
    package var letter: String
    package var name: LocalText
    package var institution: String?
    package var procedures: [String]
}

package struct Counter: Sendable, Equatable {
    package var id: String
    package var centreId: String
    package var label: String
    package var isOpen: Bool
    package var agent: String?
    package var serviceIds: [String]
}
