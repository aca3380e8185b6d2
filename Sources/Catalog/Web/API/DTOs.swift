// SPDX-License-Identifier: MPL-2.0
import Foundation

/// What the API returns. Built from catalogue values, never from database rows.
struct ListDTO<Item: Encodable>: Encodable {
    let items: [Item]
    let page: Int
    let perPage: Int
    let total: Int
    let next: String?
}

/// A page of search results, with the query as searched when a word was corrected ("did you mean").
struct SearchListDTO: Encodable {
    let items: [ProcedureSummaryDTO]
    let page: Int
    let perPage: Int
    let total: Int
    let next: String?
    let correction: String?
}

struct CountryDTO: Encodable {
    let code: String
    let name: LocalizedText
    let currency: String
    let timeZone: String
    let procedures: Int

    init(country: Country, procedures: Int) {
        code = country.code
        name = country.name
        currency = country.currency
        timeZone = country.timeZone
        self.procedures = procedures
    }
}

struct CategoryDTO: Encodable {
    let id: String
    let name: LocalizedText
    let procedures: Int

    init(category: Category, procedures: Int) {
        id = category.id
        name = category.name
        self.procedures = procedures
    }
}

struct InstitutionDTO: Encodable {
    let id: String
    let country: String
    let kind: String
    let parent: String?
    let name: LocalizedText
    let acronym: String?
    let address: LocalizedText?
    let phone: String?
    let email: String?
    let website: String?
    let hours: [OpeningHours]?
    let hoursNote: LocalizedText?
    let latitude: Double?
    let longitude: Double?
    let url: String

    init(_ institution: Institution) {
        id = institution.id
        country = institution.country
        kind = institution.kind.rawValue
        parent = institution.parent
        name = institution.name
        acronym = institution.acronym
        address = institution.address
        phone = institution.phone
        email = institution.email
        website = institution.website
        hours = institution.hours
        hoursNote = institution.hoursNote
        latitude = institution.latitude
        longitude = institution.longitude
        url = CatalogRoute.institution.path(institution.id)
    }
}

struct ProcedureSummaryDTO: Encodable {
    let id: String
    let country: String
    let title: LocalizedText
    let summary: LocalizedText?
    let audience: [Audience]
    let categories: [String]
    let institution: String
    let channel: Channel
    let version: Int
    let lastReviewed: String?
    let url: String

    init(_ procedure: Procedure) {
        id = procedure.id
        country = procedure.country
        title = procedure.title
        summary = procedure.summary
        audience = procedure.audience
        categories = procedure.categories
        institution = procedure.institution
        channel = procedure.channel
        version = procedure.version
        lastReviewed = procedure.lastReviewed
        url = CatalogRoute.procedure.path(procedure.id)
    }
}

struct ProcedureDetailDTO: Encodable {
    let procedure: Procedure
    let totals: ProcedureTotals
    let institutions: [InstitutionDTO]
    let url: String
}
