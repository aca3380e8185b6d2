// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

struct ProcedureItem {
    let href: String
    let title: TextView
    let summary: TextView?
    let country: String
    let institution: String?
}

struct CategoryItem {
    let href: String
    let name: TextView
    /// SVG path data of the category's icon.
    let icon: String
    let count: String
}

struct CountryItem {
    let href: String
    let name: String
    let count: String?
    let current: Bool
}

struct Pager {
    let label: String
    let previous: String?
    let next: String?
}

struct ContactView {
    let href: String
    let name: TextView
    let kind: String
    let address: TextView?
    let phone: String?
    let email: String?
    let website: String?
    let hours: [String]
    let hoursNote: TextView?
    let mapLink: String?
}

struct HomePage {
    /// When the person's country is not known: one link per country to say it (asked once, then remembered).
    let choices: [CountryItem]
    /// "Senegal's procedures come first", with a link to change.
    let countryNote: String?
    let changeCountry: String?
    /// The most requested procedures: of the person's country, or of each country when it is not known.
    let featured: [FeaturedGroup]
    let destinations: [DestinationItem]
    let categories: [CategoryItem]
    let countries: [CountryItem]
    let searchQuery: String
}

struct FeaturedGroup {
    let heading: String
    let items: [ProcedureItem]
    let more: String
    let moreLabel: String
}

/// A link of the home page to another feature's public page.
struct DestinationItem {
    let kind: String
    let href: String
    let label: String
    let detail: String?

    init(destination: Destination, page: PageContext) {
        kind = destination.kind
        href = page.link(destination.href)
        label = page.text(key: destination.label)
        detail = destination.detail.map { page.text(key: $0) }
    }
}

struct ListPage {
    let heading: String
    let intro: TextView?
    let countries: [CountryItem]
    let items: [ProcedureItem]
    let count: String
    let pager: Pager?
    let empty: Bool
    let fallback: Bool
    /// "Senegal's procedures come first" when the list is not filtered by country.
    var countryFirst: String? = nil
}

struct SearchPage {
    let query: String
    let heading: String
    let count: String?
    let items: [ProcedureItem]
    let pager: Pager?
    let noResults: Bool
    let prompt: Bool
    let countries: [CountryItem]
    let fallback: Bool
    /// "Senegal's procedures come first."
    var countryFirst: String? = nil
    /// When a word was corrected: "Did you mean « extrait naissance »?", linking to that search.
    var correction: Link? = nil
}

struct Link {
    let text: String
    let href: String
}

struct InstitutionPage {
    let contact: ContactView
    let acronym: String?
    let country: String
    let parent: ProcedureLink?
    let procedures: [ProcedureItem]
    let pager: Pager?
    let fallback: Bool
}

struct ProcedureLink {
    let href: String
    let text: TextView
}

struct ProcedurePage {
    let id: String
    let title: TextView
    let summary: TextView?
    let eligibility: TextView?
    let country: String
    let audience: String
    let channel: String
    let onlineUrl: String?
    let categories: [ProcedureLink]
    let lead: ProcedureLink?
    let totals: [TotalView]
    let blocks: [BlockView]
    let checklist: [ChecklistItem]
    let places: [ContactView]
    let laws: [LawView]
    let sources: [SourceView]
    /// `?places=all`: the page lists every place and nothing else of the procedure, which is one link away.
    var placesOnly = false
    var procedureHref = ""
    /// The procedure's own "more information" (not `additionalInfo`: a step without one would show it, Mustache looking
    /// a missing name up in the enclosing page).
    let procedureInfo: TextView?
    let reviewed: String
    let version: String
    let jsonHref: String
    /// What a person can do about the procedure, offered by other features (the same for every visitor: the page is
    /// cached per language, and what an action needs of who is signed in is asked where it leads).
    let actions: [ActionView]
    /// Discreet actions, at the end of the page's last line.
    let footerActions: [ActionView]
    /// Where to go: the places other features name (centres offering the procedure), each with its own heading.
    let placeActions: [PlaceActionView]
    /// The "where are you?" form of the places' part.
    let nearForm: NearForm
    /// The page holds live figures (waits, open now) good until then: it is cached no longer.
    let freshUntil: Date?
    let fallback: Bool
}

/// The small GET form that orders the places nearest first.
struct NearForm {
    let action: String
    let value: String
    /// The language chosen by address, kept as a field (a GET form replaces the action's query).
    let languageField: String?
}

/// An action with places (`centre`): its heading, its places and, when they were cut, a link to all of them.
struct PlaceActionView {
    let label: String
    let detail: String?
    let href: String
    let places: [PlaceView]
    let more: String?
    let moreLabel: String?
    let nearUnknown: String?
    /// Every place at once (`?places=all`): a line each (name, where, open now, wait), hours and links being on each
    /// place's own page, so that 45 centres still make a small page.
    var compact = false
}

struct PlaceView {
    let name: String
    let href: String
    let area: String
    let service: String
    let hours: [String]
    let open: String?
    let openNow: Bool
    let wait: String?
    let note: String?
    let distance: String?
    let links: [PlaceLinkView]
}

struct PlaceLinkView {
    let kind: String
    let href: String
    let label: String
}

struct ActionView {
    /// The kinds shown on the page's last line rather than in the list (a digitalisation need is for analysts).
    static let footerKinds: Set<String> = ["report_need"]

    let kind: String
    let href: String
    let label: String
    let detail: String?

    init(action: ProcedureAction, page: PageContext) {
        kind = action.kind
        href = page.link(action.href)
        label = page.text(key: action.label, action.arguments)
        detail = action.detail.map { page.text(key: $0, action.arguments) }
    }
}

struct TotalView {
    let label: String
    let value: String
}

struct BlockView {
    let note: String?
    let optional: Bool
    let steps: [StepView]
}

struct StepView {
    let number: String
    let title: TextView
    let optional: Bool
    let institution: ProcedureLink?
    let office: TextView?
    let action: TextView?
    let online: Bool
    let requirements: [RequirementView]
    let costs: [CostView]
    let times: [String]
    let timeNote: TextView?
    let hasTime: Bool
    let results: [TextView]
    let laws: [LawView]
    let recourse: TextView?
    let additionalInfo: TextView?
    /// Facts of the step on which the sources disagree, each statement with its source.
    let conflicts: [ConflictView]
}

struct ConflictView {
    let heading: String
    let statements: [ConflictStatementView]
}

struct ConflictStatementView {
    let text: TextView?
    let source: SourceView
}

struct RequirementView {
    let name: TextView
    let counts: String
    let notes: TextView?
}

struct CostView {
    let value: String
    let label: TextView?
    let details: String?
    let text: TextView?
}

struct LawView {
    let text: TextView
    let article: String?
    let url: String?
}

struct ChecklistItem {
    let name: TextView
    let counts: String
}

struct SourceView {
    let title: String
    let url: String?
    let date: String?
}
