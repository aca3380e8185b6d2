// SPDX-License-Identifier: MPL-2.0
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
    /// The procedures people ask for most in this country, in order: the home page's first list. Configured with the
    /// catalogue (the demo: Senegal's four Espaces Sénégal Services priorities, the civil-status and identity procedures
    /// of Togo and Congo) until measured use ranks them.
    package var featured: [String]?

    package init(code: String, name: LocalizedText, currency: String, timeZone: String, portal: String? = nil, featured: [String]? = nil) {
        self.code = code
        self.name = name
        self.currency = currency
        self.timeZone = timeZone
        self.portal = portal
        self.featured = featured
    }
}

package struct Category: Codable, Equatable, Sendable {
    /// Stable slug, e.g. `naissance`.
    package var id: String
    package var name: LocalizedText
    package var description: LocalizedText?
    /// Name of an inline SVG icon known to the templates.
    package var icon: String?
    package var position: Int?

    package init(id: String, name: LocalizedText, description: LocalizedText? = nil, icon: String? = nil, position: Int? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.icon = icon
        self.position = position
    }
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

    package init(days: [Int], opens: String, closes: String) {
        self.days = days
        self.opens = opens
        self.closes = closes
    }
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

    package init(
        id: String, country: String, kind: InstitutionKind, parent: String? = nil, name: LocalizedText, acronym: String? = nil,
        address: LocalizedText? = nil, phone: String? = nil, email: String? = nil, website: String? = nil, hours: [OpeningHours]? = nil,
        hoursNote: LocalizedText? = nil, latitude: Double? = nil, longitude: Double? = nil, source: Source? = nil
    ) {
        self.id = id
        self.country = country
        self.kind = kind
        self.parent = parent
        self.name = name
        self.acronym = acronym
        self.address = address
        self.phone = phone
        self.email = email
        self.website = website
        self.hours = hours
        self.hoursNote = hoursNote
        self.latitude = latitude
        self.longitude = longitude
        self.source = source
    }
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
    /// The older single date, "YYYY-MM-DD": the day the source was read or published, without saying which. Still
    /// read and written (importers set it); new data says `published` and `accessed`.
    package var date: String?
    /// When the source was published: "YYYY-MM-DD", or "YYYY-MM" when the source gives only the month.
    package var published: String?
    /// The day we read it, "YYYY-MM-DD".
    package var accessed: String?

    package init(title: String, url: String? = nil, date: String? = nil, published: String? = nil, accessed: String? = nil) {
        self.title = title
        self.url = url
        self.date = date
        self.published = published
        self.accessed = accessed
    }
}

package struct Keywords: Codable, Equatable, Sendable {
    package var fr: [String]
    package var en: [String]?

    package init(fr: [String], en: [String]? = nil) {
        self.fr = fr
        self.en = en
    }
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
