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
    let categories: [CategoryItem]
    let countries: [CountryItem]
    let popular: [ProcedureItem]
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
    let additionalInfo: TextView?
    let reviewed: String
    let version: String
    let jsonHref: String
    /// What a person can do about the procedure, offered by other features (the same for every visitor: the page is
    /// cached per language, and what an action needs of who is signed in is asked where it leads).
    let actions: [ActionView]
    /// Discreet actions, at the end of the page's last line.
    let footerActions: [ActionView]
    let fallback: Bool
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
        label = page.text(key: action.label)
        detail = action.detail.map { page.text(key: $0) }
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
