// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// A problem in an imported catalogue, named by its place: `procedures[3] (sn-cni).blocks[0].steps[1].costs[0].currency`.
package struct CatalogIssue: Error, Equatable, Sendable, CustomStringConvertible {
    package var path: String
    package var message: String

    package var description: String { "\(path): \(message)" }
}

package struct CatalogValidationError: Error, Sendable, CustomStringConvertible {
    package var issues: [CatalogIssue]

    package var description: String {
        (["\(issues.count) problem(s) in the catalogue; nothing was imported:"] + issues.prefix(50).map { "  - \($0)" }).joined(separator: "\n")
    }
}

/// Checks a whole catalogue (what is imported plus what the database already has) before anything is written.
package struct CatalogValidator {
    package static let currencies: Set<String> = ["XOF", "XAF", "EUR", "USD"]

    var knownCountries: Set<String>
    var knownCategories: Set<String>
    var knownInstitutions: Set<String>
    private(set) var issues: [CatalogIssue] = []

    package init(knownCountries: Set<String> = [], knownCategories: Set<String> = [], knownInstitutions: Set<String> = []) {
        self.knownCountries = knownCountries
        self.knownCategories = knownCategories
        self.knownInstitutions = knownInstitutions
    }

    package mutating func validate(_ document: CatalogDocument) -> [CatalogIssue] {
        issues = []
        if document.format != CatalogDocument.currentFormat {
            add("format", "unsupported format \"\(document.format)\", expected \"\(CatalogDocument.currentFormat)\"")
        }
        var countries = knownCountries
        unique(document.countries.map(\.code), "countries")
        for (index, country) in document.countries.enumerated() {
            let path = "countries[\(index)] (\(country.code))"
            if country.code.count != 2 || country.code.uppercased() != country.code { add("\(path).code", "expected two capital letters") }
            if !Self.currencies.contains(country.currency) { add("\(path).currency", "unknown currency \"\(country.currency)\"") }
            text(country.name, "\(path).name")
            countries.insert(country.code)
        }
        var categories = knownCategories
        unique(document.categories.map(\.id), "categories")
        for (index, category) in document.categories.enumerated() {
            let path = "categories[\(index)] (\(category.id))"
            slug(category.id, "\(path).id")
            text(category.name, "\(path).name")
            categories.insert(category.id)
        }
        var institutions = knownInstitutions
        unique(document.institutions.map(\.id), "institutions")
        institutions.formUnion(document.institutions.map(\.id))
        for (index, institution) in document.institutions.enumerated() {
            let path = "institutions[\(index)] (\(institution.id))"
            slug(institution.id, "\(path).id")
            text(institution.name, "\(path).name")
            if !countries.contains(institution.country) { add("\(path).country", "unknown country \"\(institution.country)\"") }
            if let parent = institution.parent, !institutions.contains(parent) { add("\(path).parent", "unknown institution \"\(parent)\"") }
            if institution.parent == institution.id { add("\(path).parent", "an institution cannot be its own parent") }
            url(institution.website, "\(path).website")
            for (hourIndex, hours) in (institution.hours ?? []).enumerated() {
                let hoursPath = "\(path).hours[\(hourIndex)]"
                if hours.days.isEmpty || hours.days.contains(where: { !(1...7).contains($0) }) {
                    add("\(hoursPath).days", "days are 1 (Monday) to 7")
                }
                if !Self.isTime(hours.opens) { add("\(hoursPath).opens", "expected HH:MM") }
                if !Self.isTime(hours.closes) { add("\(hoursPath).closes", "expected HH:MM") }
                if Self.isTime(hours.opens), Self.isTime(hours.closes), hours.opens >= hours.closes {
                    add("\(hoursPath).closes", "closes before it opens")
                }
            }
            if let latitude = institution.latitude, !(-90...90).contains(latitude) { add("\(path).latitude", "out of range") }
            if let longitude = institution.longitude, !(-180...180).contains(longitude) { add("\(path).longitude", "out of range") }
        }
        unique(document.procedures.map(\.id), "procedures")
        for (index, procedure) in document.procedures.enumerated() {
            validate(
                procedure, path: "procedures[\(index)] (\(procedure.id))", countries: countries, categories: categories,
                institutions: institutions)
        }
        return issues
    }

    /// One procedure on its own (an API draft), against the countries, categories and institutions the validator knows.
    package mutating func validate(procedure: Procedure) -> [CatalogIssue] {
        issues = []
        validate(procedure, path: "procedure", countries: knownCountries, categories: knownCategories, institutions: knownInstitutions)
        return issues
    }

    private mutating func validate(
        _ procedure: Procedure, path: String, countries: Set<String>, categories: Set<String>, institutions: Set<String>
    ) {
        slug(procedure.id, "\(path).id")
        text(procedure.title, "\(path).title")
        if !countries.contains(procedure.country) { add("\(path).country", "unknown country \"\(procedure.country)\"") }
        if procedure.audience.isEmpty { add("\(path).audience", "at least one audience is required") }
        if procedure.categories.isEmpty { add("\(path).categories", "at least one category is required") }
        for category in procedure.categories where !categories.contains(category) {
            add("\(path).categories", "unknown category \"\(category)\"")
        }
        if !institutions.contains(procedure.institution) { add("\(path).institution", "unknown institution \"\(procedure.institution)\"") }
        if procedure.version < 1 { add("\(path).version", "must be 1 or more") }
        if procedure.sources.isEmpty { add("\(path).sources", "every procedure cites at least one source") }
        for (index, source) in procedure.sources.enumerated() {
            if source.title.trimmingCharacters(in: .whitespaces).isEmpty { add("\(path).sources[\(index)].title", "is empty") }
            url(source.url, "\(path).sources[\(index)].url")
            date(source.date, "\(path).sources[\(index)].date")
            month(source.published, "\(path).sources[\(index)].published")
            date(source.accessed, "\(path).sources[\(index)].accessed")
        }
        date(procedure.lastReviewed, "\(path).lastReviewed")
        url(procedure.onlineUrl, "\(path).onlineUrl")
        if procedure.blocks.isEmpty || procedure.blocks.allSatisfy({ $0.steps.isEmpty }) { add("\(path).blocks", "at least one step is required") }
        for (blockIndex, block) in procedure.blocks.enumerated() {
            let blockPath = "\(path).blocks[\(blockIndex)]"
            if block.steps.isEmpty { add("\(blockPath).steps", "a block has at least one step") }
            for (stepIndex, step) in block.steps.enumerated() {
                validate(step, path: "\(blockPath).steps[\(stepIndex)]", institutions: institutions)
            }
        }
    }

    private mutating func validate(_ step: Step, path: String, institutions: Set<String>) {
        text(step.title, "\(path).title")
        for (index, conflict) in (step.conflicts ?? []).enumerated() {
            let conflictPath = "\(path).conflicts[\(index)]"
            text(conflict.subject, "\(conflictPath).subject")
            if conflict.statements.count < 2 { add("\(conflictPath).statements", "a disagreement has at least two statements") }
            for (number, statement) in conflict.statements.enumerated() {
                text(statement.text, "\(conflictPath).statements[\(number)].text")
                url(statement.source.url, "\(conflictPath).statements[\(number)].source.url")
                month(statement.source.published, "\(conflictPath).statements[\(number)].source.published")
                date(statement.source.accessed, "\(conflictPath).statements[\(number)].source.accessed")
            }
        }
        if let institution = step.institution, !institutions.contains(institution) {
            add("\(path).institution", "unknown institution \"\(institution)\"")
        }
        for (index, requirement) in (step.requirements ?? []).enumerated() {
            let requirementPath = "\(path).requirements[\(index)]"
            text(requirement.name, "\(requirementPath).name")
            for (name, value) in [
                ("originals", requirement.originals), ("copies", requirement.copies),
                ("certifiedCopies", requirement.certifiedCopies),
            ]
            where !(0...1000).contains(value ?? 0) {
                add("\(requirementPath).\(name)", "must be between 0 and 1000")
            }
        }
        for (index, cost) in (step.costs ?? []).enumerated() {
            let costPath = "\(path).costs[\(index)]"
            switch cost.kind {
            case .amount:
                if let amount = cost.amount {
                    if amount < 0 || !amount.isFinite || amount > 1e12 { add("\(costPath).amount", "must be zero or more, and plausible") }
                } else {
                    add("\(costPath).amount", "an amount cost needs an amount")
                }
                if let currency = cost.currency {
                    if !Self.currencies.contains(currency) { add("\(costPath).currency", "unknown currency \"\(currency)\"") }
                } else {
                    add("\(costPath).currency", "an amount cost needs a currency")
                }
            case .percentage:
                if let percentage = cost.percentage {
                    if !percentage.isFinite || !(0...100).contains(percentage) { add("\(costPath).percentage", "must be between 0 and 100") }
                } else {
                    add("\(costPath).percentage", "a percentage cost needs a percentage")
                }
                if cost.parameter == nil { add("\(costPath).parameter", "a percentage cost says of what") }
            case .free, .unknown:
                if cost.amount != nil { add("\(costPath).amount", "a \(cost.kind.rawValue) cost has no amount") }
            }
        }
        if let timeframe = step.timeframe {
            for (name, range) in [
                ("waitingInLineMinutes", timeframe.waitingInLineMinutes), ("atCounterMinutes", timeframe.atCounterMinutes),
                ("untilNextStepDays", timeframe.untilNextStepDays),
            ] {
                guard let range else { continue }
                if range.min < 0 { add("\(path).timeframe.\(name).min", "cannot be negative") }
                if range.max > 100_000 { add("\(path).timeframe.\(name).max", "is implausibly large (more than 100000)") }
                if range.max < range.min { add("\(path).timeframe.\(name).max", "is smaller than min") }
            }
        }
        for (index, basis) in (step.legalBases ?? []).enumerated() {
            text(basis.text, "\(path).legalBases[\(index)].text")
            url(basis.url, "\(path).legalBases[\(index)].url")
        }
    }

    private mutating func add(_ path: String, _ message: String) {
        issues.append(CatalogIssue(path: path, message: message))
    }

    private mutating func text(_ text: LocalizedText, _ path: String) {
        if text.fr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { add("\(path).fr", "the French text is required") }
    }

    private mutating func slug(_ id: String, _ path: String) {
        if id.wholeMatch(of: /[a-z0-9]+(-[a-z0-9]+)*/) == nil || id.count > 120 {
            add(path, "\"\(id)\" is not a valid id (lower-case letters, digits and dashes)")
        }
    }

    private mutating func url(_ value: String?, _ path: String) {
        guard let value else { return }
        guard let url = URL(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            add(path, "\"\(value)\" is not an http(s) address")
            return
        }
    }

    private mutating func date(_ value: String?, _ path: String) {
        guard let value else { return }
        if InputParser.day(value) == nil { add(path, "\"\(value)\" is not a day that exists, written YYYY-MM-DD") }
    }

    /// A day, or a month ("2023-12") when the source gives no day.
    private mutating func month(_ value: String?, _ path: String) {
        guard let value else { return }
        if value.utf8.count == 7, InputParser.day(value + "-01") != nil { return }
        if InputParser.day(value) == nil { add(path, "\"\(value)\" is not a day (YYYY-MM-DD) or a month (YYYY-MM)") }
    }

    private mutating func unique(_ ids: [String], _ path: String) {
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted {
            add(path, "the id \"\(id)\" appears twice")
        }
    }

    static func isTime(_ text: String) -> Bool {
        InputParser.timeOfDay(text) != nil
    }
}
