// SPDX-License-Identifier: MPL-2.0
/// View models of the centres' pages: built by the controllers, only rendered by the templates.
struct Filter {
    let href: String
    let name: String
    let current: Bool
}

struct CentreItem {
    let href: String
    let name: String
    let department: String?
    let planned: Bool
}

struct RegionGroup {
    let name: String
    let centres: [CentreItem]
}

struct CountryGroup {
    let name: String
    let count: String
    let map: String
    let regions: [RegionGroup]
}

struct ListPage {
    let filters: [Filter]
    let allHref: String
    let countries: [CountryGroup]
    let geoJSON: String
}

struct DayHours {
    let name: String
    let today: Bool
    let hours: String
}

struct ClosureItem {
    let day: String
    let reason: String
}

struct ProcedureLink {
    let href: String
    let id: String
    /// Applying online, when another feature offers it for the procedure (asked through `ProcedureActionSource`).
    var apply: String? = nil
}

struct ServiceLine {
    let id: String
    let letter: String
    let name: String
    let waiting: String
    let estimate: String
    let procedures: [ProcedureLink]
    let hasProcedures: Bool
    /// Chosen beforehand (a link "take a ticket for this service").
    var selected: Bool = false
}

struct ResultLine {
    let month: String
    let called: String
    let within: String
    let satisfaction: String
    let answers: String
    let minutes: String
}

struct SourceItem {
    let title: String
    let url: String
}

struct CentrePage {
    let name: String
    let planned: Bool
    let place: String
    let address: String?
    let timezone: String
    let localTime: String
    let openNow: Bool
    let days: [DayHours]
    let hoursConfirmed: Bool
    let closures: [ClosureItem]
    let hasClosures: Bool
    let services: [ServiceLine]
    let hasServices: Bool
    let result: ResultLine
    let sources: [SourceItem]
    let kiosk: String
    let remote: String
    let appointments: String
    let board: String
    let tablet: String
    let results: String
    let list: String
}

struct PriorityChoice {
    let value: String
    let label: String
    let checked: Bool
}

struct KioskPage {
    let name: String
    let action: String
    let requestToken: String
    let services: [ServiceLine]
    let priorities: [PriorityChoice]
    let other: LanguageChoice
    let css: String
    let checkIn: String
    let error: String?
}

struct RemotePage {
    let name: String
    let action: String
    let requestToken: String
    let services: [ServiceLine]
    let error: String?
    let openNow: Bool
}

struct TicketPage {
    let heading: String
    let label: String
    let code: String
    let centre: String
    let centreHref: String
    let service: String
    let status: String
    let waiting: Bool
    let ahead: String?
    let estimate: String?
    let issued: String
    let counter: String?
    let priority: String?
    let feedback: String?
    let kiosk: Bool
    let kioskHref: String
    let refresh: Int
    let css: String
    /// The centre's waiting-room board, where the ticket's number is called.
    var boardHref: String? = nil
    /// "You are 3rd in the queue (2 people before you)".
    var position: String? = nil
    var called: Bool = false
    var served: Bool = false
}

struct BoardRow {
    let label: String
    let counter: String
    let latest: Bool
}

struct BoardPage {
    let name: String
    let rows: [BoardRow]
    let empty: Bool
    let waiting: String
    let time: String
    let refresh: Int
    let css: String
}

struct RatingChoice {
    let value: String
    let label: String
    let face: String
}

struct ReasonChoice {
    let value: String
    let label: String
}

struct FeedbackPage {
    let name: String
    let action: String
    let thanks: Bool
    let error: String?
    let ratings: [RatingChoice]
    let reasons: [ReasonChoice]
    let maxComment: Int
    let css: String
    let other: LanguageChoice
}

struct GeoCollection: Encodable {
    let type = "FeatureCollection"
    let features: [GeoFeature]
}

struct GeoFeature: Encodable {
    struct Geometry: Encodable {
        let type = "Point"
        let coordinates: [Double]
    }

    struct Properties: Encodable {
        let id: String
        let name: String
        let nameEn: String?
        let country: String
        let region: String
        let department: String
        let status: String
        let timezone: String
        let url: String
    }

    let type = "Feature"
    let geometry: Geometry
    let properties: Properties
}
