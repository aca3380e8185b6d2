// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// Reads the editor's HTML forms into a procedure, field by field, with one message per wrong field.
/// Lists (results, requirements, costs, legal bases) come as numbered rows; a row whose name is empty is removed,
/// and what the form does not show of an item (a cost's percentage, a legal basis' link…) is kept from the row at the same place.
package struct FormReader {
    let form: FormQuery
    let localizer: Localizer
    let language: Language
    package private(set) var errors: [String: String] = [:]
    package private(set) var order: [String] = []

    package init(form: FormQuery, localizer: Localizer, language: Language) {
        self.form = form
        self.localizer = localizer
        self.language = language
    }

    mutating func fail(_ field: String, _ key: String, _ arguments: [String: String] = [:]) {
        if errors[field] == nil { order.append(field) }
        errors[field] = localizer.text("editor.errors.\(key)", language, arguments)
    }

    func string(_ name: String) -> String {
        (form[name] ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func all(_ name: String) -> [String] { form.items.filter { $0.name == name }.map(\.value) }

    mutating func text(_ base: String, required: Bool = false, max: Int = 4000) -> LocalizedText? {
        let fr = string("\(base)_fr")
        let en = string("\(base)_en")
        if fr.count > max { fail("\(base)_fr", "too_long", ["max": "\(max)"]) }
        if en.count > max { fail("\(base)_en", "too_long", ["max": "\(max)"]) }
        if fr.isEmpty {
            if required { fail("\(base)_fr", "required_fr") } else if !en.isEmpty { fail("\(base)_fr", "french_first") }
            return nil
        }
        return LocalizedText(fr: fr, en: en.isEmpty ? nil : en)
    }

    mutating func int(_ name: String, min: Int = 0, max: Int = 100_000) -> Int? {
        let value = string(name)
        guard !value.isEmpty else { return nil }
        guard let number = InputParser.integer(value, in: min...max) else {
            fail(name, "whole_number", ["min": "\(min)", "max": "\(max)"])
            return nil
        }
        return number
    }

    mutating func range(_ base: String, max: Int) -> MinMax? {
        let low = int("\(base)_min", max: max)
        let high = int("\(base)_max", max: max)
        switch (low, high) {
        case (nil, nil): return nil
        case (let low?, nil): return MinMax(min: low, max: low)
        case (nil, let high?): return MinMax(min: high, max: high)
        case (let low?, let high?):
            guard low <= high else {
                fail("\(base)_max", "max_below_min")
                return nil
            }
            return MinMax(min: low, max: high)
        }
    }

    mutating func url(_ name: String) -> String? {
        let value = string(name)
        guard !value.isEmpty else { return nil }
        guard let url = URL(string: value), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            fail(name, "bad_url")
            return nil
        }
        return value
    }

    mutating func date(_ name: String) -> String? {
        let value = string(name)
        guard !value.isEmpty else { return nil }
        guard let day = InputParser.day(value), (1900...2100).contains(day.year) else {
            fail(name, "bad_date")
            return nil
        }
        return value
    }

    /// The row numbers present in the form for a list (`req_fr_0`, `req_fr_1`…).
    func rows(_ prefix: String) -> [Int] {
        Set(
            form.items.compactMap { item -> Int? in
                guard item.name.hasPrefix(prefix) else { return nil }
                return Int(item.name.dropFirst(prefix.count))
            }
        ).sorted()
    }

    // MARK: The procedure's own fields

    /// Applies the general form to `procedure`. `institutions` are those the editor may choose.
    package mutating func applyGeneral(to procedure: inout Procedure, institutions: Set<String>, categories: Set<String>) {
        if let title = text("title", required: true, max: 200) { procedure.title = title }
        procedure.summary = text("summary")
        procedure.eligibility = text("eligibility")
        procedure.additionalInfo = text("additional")
        let institution = string("institution")
        if institutions.contains(institution) { procedure.institution = institution } else { fail("institution", "institution_scope") }
        let chosen = all("category").filter { categories.contains($0) }
        if chosen.isEmpty { fail("category", "category_required") } else { procedure.categories = chosen }
        let audience = all("audience").compactMap(Audience.init(rawValue:))
        if audience.isEmpty { fail("audience", "audience_required") } else { procedure.audience = audience }
        if let channel = Channel(rawValue: string("channel")) { procedure.channel = channel } else { fail("channel", "choose") }
        procedure.onlineUrl = url("online_url")
        if procedure.channel != .counter, procedure.onlineUrl == nil, errors["online_url"] == nil { fail("online_url", "online_url_required") }
        procedure.lastReviewed = date("last_reviewed")
        for index in procedure.blocks.indices {
            let name = text("block_\(index)_name", max: 200)
            procedure.blocks[index].name = name
            if let mode = BlockMode(rawValue: string("block_\(index)_mode")) {
                procedure.blocks[index].mode = mode
            } else {
                fail("block_\(index)_mode", "choose")
            }
            procedure.blocks[index].optional = form["block_\(index)_optional"] == "on" ? true : nil
        }
    }

    // MARK: A step

    package mutating func applyStep(to step: inout Step, institutions: Set<String>) {
        if let title = text("title", required: true, max: 300) { step.title = title }
        let institution = string("institution")
        if institution.isEmpty {
            step.institution = nil
        } else if institutions.contains(institution) {
            step.institution = institution
        } else {
            fail("institution", "unknown_institution")
        }
        step.office = text("office", max: 300)
        step.action = text("action")
        step.online = form["online"] == "on" ? true : nil
        step.optional = form["optional"] == "on" ? true : nil
        step.recourse = text("recourse")
        step.additionalInfo = text("additional")
        let waiting = range("wait", max: 24 * 60)
        let counter = range("counter", max: 24 * 60)
        let days = range("days", max: 3650)
        let notes = text("time_notes")
        step.timeframe =
            (waiting == nil && counter == nil && days == nil && notes == nil)
            ? nil : Timeframe(waitingInLineMinutes: waiting, atCounterMinutes: counter, untilNextStepDays: days, notes: notes)

        var results: [StepResult] = []
        for row in rows("result_fr_") {
            guard let name = text("result_\(row)", max: 300) else { continue }
            results.append(StepResult(name: name, final: form["result_final_\(row)"] == "on" ? true : nil))
        }
        step.results = results.isEmpty ? nil : results

        let oldRequirements = step.requirements ?? []
        var requirements: [Requirement] = []
        for row in rows("req_fr_") {
            guard let name = text("req_\(row)", max: 500) else { continue }
            var requirement = row < oldRequirements.count ? oldRequirements[row] : Requirement(name: name)
            requirement.name = name
            requirement.originals = int("req_originals_\(row)", max: 100)
            requirement.copies = int("req_copies_\(row)", max: 100)
            requirement.certifiedCopies = int("req_certified_\(row)", max: 100)
            requirement.notes = text("req_notes_\(row)", max: 1000)
            requirements.append(requirement)
        }
        step.requirements = requirements.isEmpty ? nil : requirements

        let oldCosts = step.costs ?? []
        var costs: [Cost] = []
        for row in rows("cost_kind_") {
            let kindValue = string("cost_kind_\(row)")
            guard !kindValue.isEmpty else { continue }
            guard let kind = CostKind(rawValue: kindValue) else {
                fail("cost_kind_\(row)", "choose")
                continue
            }
            var cost = row < oldCosts.count ? oldCosts[row] : Cost(kind: kind)
            cost.kind = kind
            cost.label = text("cost_label_\(row)", max: 300)
            cost.payment = text("cost_payment_\(row)", max: 300)
            if kind == .amount {
                let amountText = string("cost_amount_\(row)").replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: ".")
                if let amount = InputParser.decimal(amountText, in: 0...999_999_999_999) {
                    cost.amount = amount
                } else {
                    fail("cost_amount_\(row)", "amount")
                }
                let currency = string("cost_currency_\(row)")
                if CatalogValidator.currencies.contains(currency) { cost.currency = currency } else { fail("cost_currency_\(row)", "choose") }
            } else if kind != .percentage {
                cost.amount = nil
                cost.currency = nil
            }
            costs.append(cost)
        }
        step.costs = costs.isEmpty ? nil : costs

        let oldLaws = step.legalBases ?? []
        var laws: [LegalBasis] = []
        for row in rows("law_fr_") {
            guard let text = text("law_\(row)", max: 1000) else { continue }
            var law = row < oldLaws.count ? oldLaws[row] : LegalBasis(text: text)
            law.text = text
            let article = string("law_article_\(row)")
            law.article = article.isEmpty ? nil : article
            law.url = url("law_url_\(row)")
            laws.append(law)
        }
        step.legalBases = laws.isEmpty ? nil : laws
    }
}
