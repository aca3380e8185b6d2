import Foundation
import GuichetCore

extension ProcedurePage {
    init(
        procedure: Procedure, institutions: [String: Institution], categories: [String: Category], countries: [String: Country],
        presenter p: Presenter, langQuery: String
    ) {
        func link(_ institutionId: String?) -> ProcedureLink? {
            guard let institutionId, let institution = institutions[institutionId], let name = p.text(institution.name) else { return nil }
            return ProcedureLink(href: CatalogPaths.institution(institutionId) + langQuery, text: name)
        }
        func law(_ basis: LegalBasis) -> LawView? {
            p.text(basis.text).map { text in
                let article = basis.article.map { $0.first?.isNumber == true ? p.t("article", ["article": $0]) : $0 }
                return LawView(text: text, article: article, url: basis.url)
            }
        }

        id = procedure.id
        // A draft (previewed) may have no title yet: its id stands in.
        title = p.text(procedure.title) ?? TextView(text: procedure.id, lang: nil)
        summary = p.text(procedure.summary)
        eligibility = p.text(procedure.eligibility)
        country = countries[procedure.country].map { p.plain($0.name) } ?? procedure.country
        audience = procedure.audience.map { p.t("audience.\($0.rawValue)") }.joined(separator: ", ")
        channel = p.t("channel.\(procedure.channel.rawValue)")
        onlineUrl = procedure.onlineUrl
        self.categories = procedure.categories.compactMap { id in
            categories[id].flatMap { category in p.text(category.name).map { ProcedureLink(href: CatalogPaths.category(id) + langQuery, text: $0) } }
        }
        lead = link(procedure.institution)

        let totals = ProcedureTotals(procedure: procedure)
        self.totals = [
            TotalView(label: p.t("total_steps"), value: String(totals.steps)),
            TotalView(label: p.t("total_institutions"), value: String(totals.institutions)),
            TotalView(label: p.t("total_documents"), value: String(totals.documents)),
            TotalView(label: p.t("total_cost"), value: p.totalCost(totals)),
            TotalView(label: p.t("total_time"), value: p.totalTime(totals)),
        ]

        var number = 0
        var checklist: [ChecklistItem] = []
        var seenDocuments = Set<String>()
        var laws: [LawView] = []
        var seenLaws = Set<String>()
        func collect(_ view: LawView) {
            let key = view.text.text + (view.article ?? "")
            if seenLaws.insert(key).inserted { laws.append(view) }
        }
        blocks = procedure.blocks.map { block in
            let note: String? =
                switch block.mode {
                case .sequence: nil
                case .parallel: p.t("block_parallel")
                case .alternative: p.t("block_alternative")
                }
            let steps = block.steps.map { step -> StepView in
                number += 1
                let requirements = (step.requirements ?? []).compactMap { requirement -> RequirementView? in
                    guard let name = p.text(requirement.name) else { return nil }
                    let counts = p.requirementCounts(requirement)
                    if seenDocuments.insert(requirement.name.fr.lowercased()).inserted {
                        checklist.append(ChecklistItem(name: name, counts: counts))
                    }
                    if let basis = requirement.legalBasis.flatMap(law) { collect(basis) }
                    return RequirementView(name: name, counts: counts, notes: p.text(requirement.notes))
                }
                let costs = (step.costs ?? []).map { cost -> CostView in
                    var details: [String] = []
                    if let payee = cost.payee { details.append(p.t("paid_to", ["payee": p.plain(payee)])) }
                    if let payment = cost.payment { details.append(p.t("paid_by", ["payment": p.plain(payment)])) }
                    if let basis = cost.legalBasis.flatMap(law) { collect(basis) }
                    let label = p.text(cost.label)
                    let original = p.text(cost.text)
                    return CostView(
                        value: p.cost(cost), label: label, details: details.isEmpty ? nil : details.joined(separator: ", "),
                        text: original?.text == label?.text ? nil : original)
                }
                var times: [String] = []
                if let range = step.timeframe?.waitingInLineMinutes { times.append(p.t("waiting_line", ["range": p.minutes(range)])) }
                if let range = step.timeframe?.atCounterMinutes { times.append(p.t("at_counter", ["range": p.minutes(range)])) }
                if let range = step.timeframe?.untilNextStepDays { times.append(p.t("until_next", ["range": p.days(range)])) }
                let stepLaws = (step.legalBases ?? []).compactMap(law)
                stepLaws.forEach(collect)
                return StepView(
                    number: p.t("step", ["number": String(number)]), title: p.text(step.title) ?? TextView(text: "", lang: nil), optional: step.optional == true,
                    institution: link(step.institution), office: p.text(step.office), action: p.text(step.action), online: step.online == true,
                    requirements: requirements, costs: costs, times: times, timeNote: p.text(step.timeframe?.notes),
                    hasTime: !times.isEmpty || step.timeframe?.notes != nil,
                    results: (step.results ?? []).compactMap { p.text($0.name) }, laws: stepLaws, recourse: p.text(step.recourse),
                    additionalInfo: p.text(step.additionalInfo))
            }
            return BlockView(note: note, optional: block.optional == true, steps: steps)
        }
        self.checklist = checklist
        self.laws = laws

        var placeIds: [String] = []
        for id in [procedure.institution] + procedure.blocks.flatMap(\.steps).compactMap(\.institution) where !placeIds.contains(id) {
            placeIds.append(id)
        }
        places = placeIds.compactMap { institutions[$0] }.compactMap { ContactView(institution: $0, presenter: p, langQuery: langQuery) }
        sources = procedure.sources.map { source in
            SourceView(title: source.title, url: source.url, date: source.date.map { p.t("source_date", ["date": p.date($0)]) })
        }
        additionalInfo = p.text(procedure.additionalInfo)
        reviewed = procedure.lastReviewed.map { p.t("last_reviewed", ["date": p.date($0)]) } ?? p.t("not_reviewed")
        version = p.t("version", ["version": String(procedure.version)])
        jsonHref = CatalogPaths.apiProcedure(procedure.id)
        reportNeedHref = CatalogPaths.reportNeed(procedure.id) + langQuery
        fallback = p.usedFallback
    }
}

extension ContactView {
    /// nil for an institution without a name in any language.
    init?(institution: Institution, presenter p: Presenter, langQuery: String) {
        guard let name = p.text(institution.name) else { return nil }
        self.init(institution: institution, name: name, presenter: p, langQuery: langQuery)
    }

    init(institution: Institution, name: TextView, presenter p: Presenter, langQuery: String) {
        href = CatalogPaths.institution(institution.id) + langQuery
        self.name = name
        kind = p.t("kind.\(institution.kind.rawValue)")
        address = p.text(institution.address)
        phone = institution.phone
        email = institution.email
        website = institution.website
        hours = p.hours(institution.hours ?? [])
        hoursNote = p.text(institution.hoursNote)
        if let latitude = institution.latitude, let longitude = institution.longitude {
            mapLink = "https://www.openstreetmap.org/?mlat=\(latitude)&mlon=\(longitude)#map=17/\(latitude)/\(longitude)"
        } else {
            mapLink = nil
        }
    }
}
