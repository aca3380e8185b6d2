import Foundation

/// The interchange format of `guichet catalog import|export` (YAML or JSON), and the shape in which
/// a procedure version is stored. Field order here is the order of the exported file.
package struct CatalogDocument: Codable, Equatable, Sendable {
    package static let currentFormat = "guichet-catalog/1"

    package var format: String
    package var countries: [Country]
    package var categories: [Category]
    package var institutions: [Institution]
    package var procedures: [Procedure]

    package init(
        format: String = CatalogDocument.currentFormat, countries: [Country] = [], categories: [Category] = [],
        institutions: [Institution] = [], procedures: [Procedure] = []
    ) {
        self.format = format
        self.countries = countries
        self.categories = categories
        self.institutions = institutions
        self.procedures = procedures
    }
}

/// A text in French (required) and English (optional: pages fall back to French and say so).
package struct LocalizedText: Codable, Equatable, Sendable, Hashable {
    package var fr: String
    package var en: String?

    package init(fr: String, en: String? = nil) {
        self.fr = fr
        self.en = en
    }

    package func text(for language: String) -> (text: String, isFallback: Bool) {
        if language == "en" {
            if let en, !en.isEmpty { return (en, false) }
            return (fr, true)
        }
        return (fr, false)
    }
}

package struct Country: Codable, Equatable, Sendable {
    /// ISO 3166-1 alpha-2: SN, TG, CG.
    package var code: String
    package var name: LocalizedText
    /// ISO 4217: XOF, XAF.
    package var currency: String
    package var timeZone: String
    package var portal: String?
}

package struct Category: Codable, Equatable, Sendable {
    /// Stable slug, e.g. `naissance`.
    package var id: String
    package var name: LocalizedText
    package var description: LocalizedText?
    /// Name of an inline SVG icon known to the templates.
    package var icon: String?
    package var position: Int?
}

package enum InstitutionKind: String, Codable, Sendable, CaseIterable {
    case ministry, agency, directorate, commune, court, embassy, centre, other
}

package struct OpeningHours: Codable, Equatable, Sendable {
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    package var days: [Int]
    /// "08:00"
    package var opens: String
    /// "16:00"
    package var closes: String
}

package struct Institution: Codable, Equatable, Sendable {
    package var id: String
    package var country: String
    package var kind: InstitutionKind
    package var parent: String?
    package var name: LocalizedText
    package var acronym: String?
    package var address: LocalizedText?
    package var phone: String?
    package var email: String?
    package var website: String?
    package var hours: [OpeningHours]?
    package var hoursNote: LocalizedText?
    package var latitude: Double?
    package var longitude: Double?
    package var source: Source?
}

package enum Audience: String, Codable, Sendable, CaseIterable {
    case citizen, business
}

package enum Channel: String, Codable, Sendable, CaseIterable {
    case counter, online, both
}

package enum PublicationStatus: String, Codable, Sendable, CaseIterable {
    case draft, published
}

package struct Source: Codable, Equatable, Sendable {
    package var title: String
    package var url: String?
    /// Date the source was read or published, "YYYY-MM-DD".
    package var date: String?
}

package struct Keywords: Codable, Equatable, Sendable {
    package var fr: [String]
    package var en: [String]?
}

package struct Procedure: Codable, Equatable, Sendable {
    /// Stable slug, e.g. `sn-declaration-naissance`.
    package var id: String
    package var country: String
    package var title: LocalizedText
    package var summary: LocalizedText?
    package var audience: [Audience]
    package var categories: [String]
    /// Lead institution id.
    package var institution: String
    package var channel: Channel
    package var onlineUrl: String?
    package var keywords: Keywords?
    /// Who may apply.
    package var eligibility: LocalizedText?
    package var status: PublicationStatus
    package var version: Int
    /// "YYYY-MM-DD"
    package var lastReviewed: String?
    package var sources: [Source]
    package var blocks: [Block]
    package var additionalInfo: LocalizedText?
}

/// eRegulations' block: steps done one after the other, at the same time, or one of several.
package enum BlockMode: String, Codable, Sendable, CaseIterable {
    case sequence, parallel, alternative
}

package struct Block: Codable, Equatable, Sendable {
    package var name: LocalizedText?
    package var mode: BlockMode
    package var optional: Bool?
    package var steps: [Step]
}

package struct Step: Codable, Equatable, Sendable {
    package var title: LocalizedText
    /// Responsible institution id.
    package var institution: String?
    package var office: LocalizedText?
    /// What the person does.
    package var action: LocalizedText?
    package var results: [StepResult]?
    package var online: Bool?
    package var optional: Bool?
    package var requirements: [Requirement]?
    package var costs: [Cost]?
    package var timeframe: Timeframe?
    package var legalBases: [LegalBasis]?
    package var recourse: LocalizedText?
    package var additionalInfo: LocalizedText?
}

package struct StepResult: Codable, Equatable, Sendable {
    package var name: LocalizedText
    package var final: Bool?
}

package struct Requirement: Codable, Equatable, Sendable {
    package var name: LocalizedText
    package var originals: Int?
    package var copies: Int?
    package var certifiedCopies: Int?
    package var notes: LocalizedText?
    package var legalBasis: LegalBasis?
}

package enum CostKind: String, Codable, Sendable, CaseIterable {
    /// `amount` in `currency`.
    case amount
    /// `percentage` % of `parameter`.
    case percentage
    case free
    /// "non renseigné": the source does not state it.
    case unknown
}

package struct Cost: Codable, Equatable, Sendable {
    package var kind: CostKind
    package var label: LocalizedText?
    package var amount: Double?
    package var currency: String?
    package var percentage: Double?
    package var parameter: LocalizedText?
    /// To whom it is paid.
    package var payee: LocalizedText?
    /// How it is paid (cash, fiscal stamp, mobile money…).
    package var payment: LocalizedText?
    /// The source's own wording, kept when an importer parsed the amount from it.
    package var text: LocalizedText?
    package var legalBasis: LegalBasis?
}

/// Minutes at the place, days until the next step.
package struct MinMax: Codable, Equatable, Sendable {
    package var min: Int
    package var max: Int
}

package struct Timeframe: Codable, Equatable, Sendable {
    package var waitingInLineMinutes: MinMax?
    package var atCounterMinutes: MinMax?
    package var untilNextStepDays: MinMax?
    package var notes: LocalizedText?
}

package struct LegalBasis: Codable, Equatable, Sendable {
    package var text: LocalizedText
    package var article: String?
    package var url: String?
}

extension CatalogDocument {
    /// Several files read as one catalogue (e.g. shared categories plus one file per country).
    package static func merged(_ documents: [CatalogDocument]) throws -> CatalogDocument {
        var result = CatalogDocument()
        for document in documents {
            if document.format != currentFormat {
                throw CatalogValidationError(issues: [CatalogIssue(path: "format", message: "unsupported format \"\(document.format)\"")])
            }
            result.countries += document.countries
            result.categories += document.categories
            result.institutions += document.institutions
            result.procedures += document.procedures
        }
        return result
    }
}
