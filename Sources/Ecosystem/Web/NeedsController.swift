// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// The analyst's back office: record a need (possibly from a procedure), see solutions ranked for it with the
/// reasons of their score, confirm or dismiss them. Every route requires the analyst role.
package struct NeedsController: Sendable {
    let renderer: Renderer
    let needs: NeedRepository
    let solutions: SolutionRepository
    let catalog: CatalogRepository

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(EcosystemRoute.needs, use: list)
        router.get(EcosystemRoute.newNeed, use: form)
        router.get(EcosystemRoute.newNeedFor, use: form)
        router.post(EcosystemRoute.needs, use: create)
        router.get(EcosystemRoute.need, use: show)
        router.post(EcosystemRoute.needDecisions, use: decide)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.analyst)
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let items = try await needs.all()
        let model = NeedListPage(
            newHref: p.link(EcosystemRoute.newNeed),
            items: items.map { need in
                NeedItem(
                    href: p.link(EcosystemRoute.need, need.id), institution: need.institution, problem: String(need.problem.prefix(140)),
                    meta: [need.procedureId, need.country, need.createdAt.prefix(10).description].compactMap { $0 }.joined(separator: " · "))
            }, empty: items.isEmpty)
        return try renderer.page("ecosystem-needs", title: p.t("needs.title"), page: model, request: request, context: context)
    }

    /// The empty form, or one started from a procedure (`/new/ID` or `?procedure=ID`: its institution and country are
    /// filled in).
    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.analyst)
        var values = NeedForm.Values()
        let fromPath = context.parameters.get("procedure").map { $0.removingPercentEncoding ?? $0 }
        if let procedureId = fromPath ?? EcosystemParameters.optional(request, "procedure") {
            guard let procedure = try await catalog.procedures(ids: [procedureId]).first else {
                throw AppError.badParameter("procedure", value: procedureId)
            }
            values.procedure = procedure.id
            values.country = procedure.country
            let institutions = try await catalog.allInstitutions()
            values.institution = institutions[procedure.institution]?.name.fr ?? procedure.institution
        }
        return try await renderForm(values, errors: [:], request: request, context: context, status: .ok)
    }

    func renderForm(
        _ values: NeedForm.Values, errors: [String: String], request: Request, context: AppRequestContext, status: HTTPResponse.Status
    ) async throws -> Response {
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let countries = try await catalog.countries()
        let model = NeedFormPage(
            action: EcosystemRoute.needs.path(), submission: values.submission ?? UUID().uuidString, values: values,
            countries: countries.map {
                FilterOption(value: $0.code, label: $0.name.text(for: context.language.rawValue).text, selected: $0.code == values.country)
            },
            channels: Channel.allCases.map { channel in
                NeedChannel(value: channel.rawValue, label: p.t("channel.\(channel.rawValue)"), checked: values.channels.contains(channel.rawValue))
            },
            errors: errors.sorted { $0.key < $1.key }.map { FieldError(field: $0.key, message: $0.value) },
            error: errors.mapValues { _ in true }, hasErrors: !errors.isEmpty)
        return try renderer.page(
            "ecosystem-need-form", title: p.t("needs.new_title"), page: model, request: request, context: context, status: status)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.analyst)
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let form = context.postForm
        var values = NeedForm.Values(form: form)
        var errors: [String: String] = [:]
        for (field, value) in [("institution", values.institution), ("problem", values.problem), ("affected", values.affected)]
        where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors[field] = p.t("needs.error.required")
        }
        var volume: Int?
        if !values.volume.isEmpty {
            if let number = Int(values.volume.replacingOccurrences(of: " ", with: "")), number >= 0 {
                volume = number
            } else {
                errors["volume"] = p.t("needs.error.volume")
            }
        }
        var sdgs: [Int] = []
        for part in values.sdgs.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }) {
            if let number = Int(part), SDG(number: number) != nil {
                if !sdgs.contains(number) { sdgs.append(number) }
            } else {
                errors["sdgs"] = p.t("needs.error.sdgs")
            }
        }
        if !values.procedure.isEmpty {
            if let procedure = try await catalog.procedures(ids: [values.procedure]).first {
                if values.country.isEmpty { values.country = procedure.country }
            } else {
                errors["procedure"] = p.t("needs.error.procedure")
            }
        }
        let countries = Set(try await catalog.countries().map(\.code))
        if !values.country.isEmpty, !countries.contains(values.country) { errors["country"] = p.t("needs.error.country") }
        let channels = values.channels.compactMap(Channel.init(rawValue:))
        guard errors.isEmpty, let submission = values.submission, !submission.isEmpty else {
            if values.submission?.isEmpty ?? true { values.submission = UUID().uuidString }
            return try await renderForm(values, errors: errors, request: request, context: context, status: .unprocessableContent)
        }
        let need = Need(
            id: RandomID.uuid(), institution: values.institution.trimmingCharacters(in: .whitespacesAndNewlines),
            procedureId: values.procedure.isEmpty ? nil : values.procedure, country: values.country.isEmpty ? nil : values.country,
            problem: values.problem.trimmingCharacters(in: .whitespacesAndNewlines),
            affected: values.affected.trimmingCharacters(in: .whitespacesAndNewlines),
            yearlyVolume: volume, evidence: values.evidence.trimmingCharacters(in: .whitespacesAndNewlines), sdgs: sdgs,
            thematicAreas: NeedForm.lines(values.thematicAreas), sectors: NeedForm.lines(values.sectors), channels: channels,
            createdBy: principal.actor, createdAt: AuditLog.timestamp())
        let recorded = try await needs.record(need, submissionKey: submission, requestId: context.requestId)
        return Response(status: .seeOther, headers: [.location: p.link(EcosystemRoute.need, recorded.need.id)])
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.analyst)
        let id = try context.pathValue("id")
        guard let need = try await needs.need(id: id) else { throw AppError.notFound("need_not_found") }
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let procedure = try await catalog.procedures(ids: need.procedureId.map { [$0] } ?? []).first
        let countries = try await catalog.countries()
        let names = MatchPresenter.countryNames(countries)
        let solutions = try await solutions.list(.init())
        let ranked = Matcher.rank(need: need, procedureTitle: procedure?.title.fr, solutions: solutions, countryNames: names)
        let decisions = try await needs.decisions(needId: id)
        let matches = ranked.enumerated().map { index, match in
            MatchRow(
                rank: index + 1, name: match.solution.name, href: p.link(EcosystemRoute.solution, match.solution.id),
                solutionId: match.solution.id, total: match.score.total,
                reasons: match.score.reasons.map { MatchPresenter.reason($0, p) },
                decision: decisions[match.solution.id].map { p.t("needs.decision.\($0.rawValue)") },
                action: p.link(EcosystemRoute.needDecisions, id))
        }
        let model = NeedPage(
            heading: p.t("needs.heading", ["institution": need.institution]), institution: need.institution, problem: need.problem,
            affected: need.affected,
            volume: need.yearlyVolume.map(String.init), evidence: need.evidence.isEmpty ? nil : need.evidence,
            procedure: procedure.map {
                ProcedureRef(title: $0.title.text(for: context.language.rawValue).text, href: CatalogRoute.procedure.path($0.id))
            },
            country: need.country.flatMap { code in countries.first { $0.code == code }?.name.text(for: context.language.rawValue).text },
            sdgs: need.sdgs.compactMap(SDG.init(number:)).map(p.sdg), thematicAreas: need.thematicAreas, sectors: need.sectors,
            channels: need.channels.map { p.t("channel.\($0.rawValue)") },
            matches: matches, empty: matches.isEmpty,
            rules: p.t(
                "needs.rules",
                [
                    "word": String(Matcher.pointsPerWord), "maxword": String(Matcher.maxWordPoints), "sector": String(Matcher.pointsPerSector),
                    "sdg": String(Matcher.pointsPerSDG), "theme": String(Matcher.pointsPerThematicArea), "country": String(Matcher.sameCountry),
                    "channel": String(Matcher.pointsPerChannel), "pilot": String(Matcher.maturityPoints[.pilot] ?? 0),
                    "scale": String(Matcher.maturityPoints[.atScale] ?? 0), "prototype": String(Matcher.maturityPoints[.prototype] ?? 0),
                ]),
            backHref: p.link(EcosystemRoute.needs))
        return try renderer.page("ecosystem-need", title: p.t("needs.need_title"), page: model, request: request, context: context)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.analyst)
        let id = try context.pathValue("id")
        guard try await needs.need(id: id) != nil else { throw AppError.notFound("need_not_found") }
        guard let raw = context.postForm["decision"], let decision = MatchDecision(rawValue: raw) else {
            throw AppError.validation(field: "decision", code: "bad_decision")
        }
        guard let solutionId = context.postForm["solution"], try await solutions.solution(id: solutionId) != nil else {
            throw AppError.validation(field: "solution", code: "solution_not_found")
        }
        try await needs.decide(needId: id, solutionId: solutionId, decision: decision, actor: principal.actor, requestId: context.requestId)
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        return Response(status: .seeOther, headers: [.location: p.link(EcosystemRoute.need, id)])
    }
}

enum NeedForm {
    struct Values {
        var submission: String?
        var institution = ""
        var procedure = ""
        var country = ""
        var problem = ""
        var affected = ""
        var volume = ""
        var evidence = ""
        var sdgs = ""
        var thematicAreas = ""
        var sectors = ""
        var channels: [String] = []

        init() {}

        init(form: FormQuery) {
            submission = form["submission"]
            institution = form["institution"] ?? ""
            procedure = (form["procedure"] ?? "").trimmingCharacters(in: .whitespaces)
            country = form["country"] ?? ""
            problem = form["problem"] ?? ""
            affected = form["affected"] ?? ""
            volume = (form["volume"] ?? "").trimmingCharacters(in: .whitespaces)
            evidence = form["evidence"] ?? ""
            sdgs = form["sdgs"] ?? ""
            thematicAreas = form["thematic_areas"] ?? ""
            sectors = form["sectors"] ?? ""
            channels = form.items.filter { $0.name == "channels" }.map(\.value)
        }
    }

    /// One value per line (values may hold commas).
    static func lines(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty && seen.insert($0).inserted
        }
    }
}

enum MatchPresenter {
    /// The names a country code goes by in the solutions: the catalogue's French and English names, and the Labs' spellings.
    static func countryNames(_ countries: [Country]) -> [String: [String]] {
        var names: [String: [String]] = ["CG": ["Republic of the Congo"], "CI": ["Ivory Coast", "Côte d’Ivoire", "Côte d'Ivoire"]]
        for country in countries { names[country.code, default: []] += [country.name.fr] + (country.name.en.map { [$0] } ?? []) }
        return names
    }

    static func reason(_ reason: MatchScore.Reason, _ p: PageContext) -> String {
        let detail: String
        switch reason.part {
        case .sdg: detail = Int(reason.detail).flatMap(SDG.init(number:)).map(p.sdg) ?? reason.detail
        case .channel: detail = Channel(rawValue: reason.detail).map { p.t("channel.\($0.rawValue)") } ?? reason.detail
        case .maturity: detail = Maturity(rawValue: reason.detail).map { p.t("maturity.\($0.rawValue)") } ?? reason.detail
        default: detail = reason.detail
        }
        return p.t("needs.reason.\(reason.part.rawValue)", ["detail": detail, "points": String(reason.points)])
    }
}

struct NeedItem {
    let href: String
    let institution: String
    let problem: String
    let meta: String
}

struct NeedListPage {
    let newHref: String
    let items: [NeedItem]
    let empty: Bool
}

struct NeedChannel {
    let value: String
    let label: String
    let checked: Bool
}

struct FieldError {
    let field: String
    let message: String
}

struct NeedFormPage {
    let action: String
    let submission: String
    let values: NeedForm.Values
    let countries: [FilterOption]
    let channels: [NeedChannel]
    let errors: [FieldError]
    let error: [String: Bool]
    let hasErrors: Bool
}

struct ProcedureRef {
    let title: String
    let href: String
}

struct MatchRow {
    let rank: Int
    let name: String
    let href: String
    let solutionId: String
    let total: Int
    let reasons: [String]
    let decision: String?
    let action: String
}

struct NeedPage {
    let heading: String
    let institution: String
    let problem: String
    let affected: String
    let volume: String?
    let evidence: String?
    let procedure: ProcedureRef?
    let country: String?
    let sdgs: [String]
    let thematicAreas: [String]
    let sectors: [String]
    let channels: [String]
    let matches: [MatchRow]
    let empty: Bool
    let rules: String
    let backHref: String
}
