// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

extension ProcedurePage {
    init(
        procedure: Procedure, institutions: [String: Institution], categories: [String: Category], countries: [String: Country],
        actions: [ProcedureAction], totals: ProcedureTotals, format f: CatalogFormatter, near: String? = nil, allPlaces: Bool = false
    ) {
        let page = f.page
        func link(_ institutionId: String?) -> ProcedureLink? {
            guard let institutionId, let institution = institutions[institutionId], let name = f.text(institution.name) else { return nil }
            return ProcedureLink(href: page.link(CatalogRoute.institution, institutionId), text: name)
        }
        func law(_ basis: LegalBasis) -> LawView? {
            f.text(basis.text).map { text in
                let article = basis.article.map { $0.first?.isNumber == true ? page.t("article", ["article": $0]) : $0 }
                return LawView(text: text, article: article, url: basis.url)
            }
        }

        id = procedure.id
        // A draft (previewed) may have no title yet: its id stands in.
        title = f.text(procedure.title) ?? TextView(text: procedure.id, lang: nil)
        summary = f.text(procedure.summary)
        eligibility = f.text(procedure.eligibility)
        country = countries[procedure.country].map { f.plain($0.name) } ?? procedure.country
        audience = procedure.audience.map { page.t("audience.\($0.rawValue)") }.joined(separator: ", ")
        channel = page.t("channel.\(procedure.channel.rawValue)")
        onlineUrl = procedure.onlineUrl
        self.categories = procedure.categories.compactMap { id in
            categories[id].flatMap { category in f.text(category.name).map { ProcedureLink(href: page.link(CatalogRoute.category, id), text: $0) } }
        }
        lead = link(procedure.institution)

        self.totals = [
            TotalView(label: page.t("total_steps"), value: String(totals.steps)),
            TotalView(label: page.t("total_institutions"), value: String(totals.institutions)),
            TotalView(label: page.t("total_documents"), value: String(totals.documents)),
            TotalView(label: page.t("total_cost"), value: f.totalCost(totals)),
            TotalView(label: page.t("total_time"), value: f.totalTime(totals)),
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
                case .parallel: page.t("block_parallel")
                case .alternative: page.t("block_alternative")
                }
            let steps = block.steps.map { step -> StepView in
                number += 1
                let requirements = (step.requirements ?? []).compactMap { requirement -> RequirementView? in
                    guard let name = f.text(requirement.name) else { return nil }
                    let counts = f.requirementCounts(requirement)
                    if seenDocuments.insert(requirement.name.fr.lowercased()).inserted {
                        checklist.append(ChecklistItem(name: name, counts: counts))
                    }
                    if let basis = requirement.legalBasis.flatMap(law) { collect(basis) }
                    return RequirementView(name: name, counts: counts, notes: f.text(requirement.notes))
                }
                let costs = (step.costs ?? []).map { cost -> CostView in
                    var details: [String] = []
                    if let payee = cost.payee { details.append(page.t("paid_to", ["payee": f.plain(payee)])) }
                    if let payment = cost.payment { details.append(page.t("paid_by", ["payment": f.plain(payment)])) }
                    if let basis = cost.legalBasis.flatMap(law) { collect(basis) }
                    let label = f.text(cost.label)
                    let original = f.text(cost.text)
                    return CostView(
                        value: f.cost(cost), label: label, details: details.isEmpty ? nil : details.joined(separator: ", "),
                        text: original?.text == label?.text ? nil : original)
                }
                var times: [String] = []
                if let range = step.timeframe?.waitingInLineMinutes { times.append(page.t("waiting_line", ["range": f.minutes(range)])) }
                if let range = step.timeframe?.atCounterMinutes { times.append(page.t("at_counter", ["range": f.minutes(range)])) }
                if let range = step.timeframe?.untilNextStepDays { times.append(page.t("until_next", ["range": f.days(range)])) }
                let stepLaws = (step.legalBases ?? []).compactMap(law)
                stepLaws.forEach(collect)
                return StepView(
                    number: page.t("step", ["number": String(number)]), title: f.text(step.title) ?? TextView(text: "", lang: nil),
                    optional: step.optional == true,
                    institution: link(step.institution), office: f.text(step.office), action: f.text(step.action), online: step.online == true,
                    requirements: requirements, costs: costs, times: times, timeNote: f.text(step.timeframe?.notes),
                    hasTime: !times.isEmpty || step.timeframe?.notes != nil,
                    results: (step.results ?? []).compactMap { f.text($0.name) }, laws: stepLaws, recourse: f.text(step.recourse),
                    additionalInfo: f.text(step.additionalInfo),
                    conflicts: (step.conflicts ?? []).map { ConflictView(conflict: $0, format: f) })
            }
            return BlockView(note: note, optional: block.optional == true, steps: steps)
        }
        self.checklist = checklist
        self.laws = laws

        var placeIds: [String] = []
        for id in [procedure.institution] + procedure.blocks.flatMap(\.steps).compactMap(\.institution) where !placeIds.contains(id) {
            placeIds.append(id)
        }
        places = placeIds.compactMap { institutions[$0] }.compactMap { ContactView(institution: $0, format: f) }
        sources = procedure.sources.map { source in
            SourceView(source: source, format: f)
        }
        procedureInfo = f.text(procedure.additionalInfo)
        reviewed = procedure.lastReviewed.map { page.t("last_reviewed", ["date": f.date($0)]) } ?? page.t("not_reviewed")
        version = page.t("version", ["version": String(procedure.version)])
        jsonHref = CatalogRoute.apiProcedure.path(procedure.id)
        let listed = actions.filter(\.places.isEmpty)
        let views = listed.map { ActionView(action: $0, page: page) }
        self.actions = views.filter { !ActionView.footerKinds.contains($0.kind) }
        footerActions = views.filter { ActionView.footerKinds.contains($0.kind) }
        let here = CatalogRoute.procedure.path(procedure.id)
        let nearQuery = near.map { [("region", $0)] } ?? []
        placeActions = actions.filter { !$0.places.isEmpty }.map { action in
            var view = PlaceActionView(action: action, format: f, more: page.link(here, nearQuery + [("places", "all")]), near: near)
            view.compact = allPlaces
            return view
        }
        placesOnly = allPlaces && !placeActions.isEmpty
        procedureHref = page.link(here, nearQuery)
        nearForm = NearForm(action: here, value: near ?? "", languageField: page.languageInQuery ? page.language.rawValue : nil)
        freshUntil = actions.compactMap(\.freshUntil).min()
        fallback = f.usedFallback
    }
}

extension ContactView {
    /// nil for an institution without a name in any language.
    init?(institution: Institution, format f: CatalogFormatter) {
        guard let name = f.text(institution.name) else { return nil }
        self.init(institution: institution, name: name, format: f)
    }

    init(institution: Institution, name: TextView, format f: CatalogFormatter) {
        href = f.page.link(CatalogRoute.institution, institution.id)
        self.name = name
        kind = f.page.t("kind.\(institution.kind.rawValue)")
        address = f.text(institution.address)
        phone = institution.phone
        email = institution.email
        website = institution.website
        hours = f.hours(institution.hours ?? [])
        hoursNote = f.text(institution.hoursNote)
        if let latitude = institution.latitude, let longitude = institution.longitude {
            mapLink = "https://www.openstreetmap.org/?mlat=\(latitude)&mlon=\(longitude)#map=17/\(latitude)/\(longitude)"
        } else {
            mapLink = nil
        }
    }
}

extension PlaceActionView {
    init(action: ProcedureAction, format f: CatalogFormatter, more: String, near: String?) {
        let page = f.page
        label = page.text(key: action.label, action.arguments)
        detail = action.detail.map { page.text(key: $0, action.arguments) }
        href = page.link(action.href)
        places = action.places.map { place in
            PlaceView(
                name: place.name, href: page.link(place.href), area: place.area, service: place.service,
                hours: f.hours(place.hours.map { OpeningHours(days: $0.days, opens: $0.opens, closes: $0.closes) }),
                open: place.openNow.map { page.t($0 ? "place_open" : "place_closed") }, openNow: place.openNow == true,
                wait: place.wait, note: place.note.map { page.text(key: $0) }, distance: place.distance,
                links: place.links.map { PlaceLinkView(kind: $0.kind, href: page.link($0.href), label: page.text(key: $0.label)) })
        }
        let total = action.placesTotal ?? action.places.count
        let cut = total > action.places.count
        self.more = cut ? more : nil
        moreLabel = cut ? page.t("places_all", ["count": String(total)]) : nil
        nearUnknown = action.nearFound == false ? page.t("near_unknown", ["place": near ?? ""]) : nil
    }
}

extension SourceView {
    /// When the source was published and when we read it ("publié le 08/07/2009 · consulté le 02/12/2026").
    init(source: Source, format f: CatalogFormatter) {
        let page = f.page
        var dates: [String] = []
        if let published = source.published {
            let key = published.utf8.count == 7 ? "source_published_month" : "source_published"
            dates.append(page.t(key, ["date": f.date(published)]))
        }
        if let accessed = source.accessed { dates.append(page.t("source_date", ["date": f.date(accessed)])) }
        if dates.isEmpty, let date = source.date { dates.append(page.t("source_dated", ["date": f.date(date)])) }
        self.init(title: source.title, url: source.url, date: dates.isEmpty ? nil : dates.joined(separator: " · "))
    }
}

extension ConflictView {
    /// "The sources disagree on the fee of a card": each statement with the source that makes it and its dates.
    init(conflict: Conflict, format f: CatalogFormatter) {
        heading = f.page.t("conflict_heading", ["subject": f.text(conflict.subject)?.text ?? ""])
        statements = conflict.statements.map { statement in
            ConflictStatementView(text: f.text(statement.text), source: SourceView(source: statement.source, format: f))
        }
    }
}
