// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// A localised text ready for a template: `lang` is set when it falls back to French on an English page,
/// so that the page marks it (`<span lang="fr">`) and says so.
struct TextView {
    let text: String
    let lang: String?
}

/// The catalogue's own formatting for one page — localized texts (marking French shown on an English page), money,
/// costs, durations, opening hours, dates — over the request's `PageContext`, which gives the words (`page.t`),
/// counts and links. It remembers whether a text fell back to French, which the page then says.
final class CatalogFormatter {
    let page: PageContext
    private(set) var usedFallback = false

    init(_ page: PageContext) {
        self.page = page
    }

    var language: Language { page.language }

    func text(_ value: LocalizedText?) -> TextView? {
        guard let value else { return nil }
        let (text, isFallback) = value.text(for: language.rawValue)
        guard !text.isEmpty else { return nil }
        if isFallback { usedFallback = true }
        return TextView(text: text, lang: isFallback ? "fr" : nil)
    }

    func plain(_ value: LocalizedText) -> String {
        value.text(for: language.rawValue).text
    }

    private lazy var numberFormatter: NumberFormatter = {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 2
        formatter.locale = Locale(identifier: language == .fr ? "fr_FR" : "en_GB")
        if language == .fr {
            formatter.groupingSeparator = "\u{00A0}"
        }
        return formatter
    }()

    func number(_ value: Double) -> String {
        numberFormatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    func money(_ amount: Double, _ currency: String) -> String {
        let unit = language == .fr && (currency == "XOF" || currency == "XAF") ? "FCFA" : currency
        return "\(number(amount))\u{00A0}\(unit)"
    }

    func cost(_ cost: Cost) -> String {
        switch cost.kind {
        case .amount: return money(cost.amount ?? 0, cost.currency ?? "")
        case .percentage:
            let of = cost.parameter.map { " " + plain($0) } ?? ""
            return "\(number(cost.percentage ?? 0))\u{00A0}%\(of)"
        case .free: return page.t("free")
        case .unknown: return page.t("unknown")
        }
    }

    func days(_ range: MinMax) -> String {
        if range.max == 0 { return page.t("same_day") }
        if range.min == range.max { return page.t("days", ["count": String(range.min)]) }
        return page.t("days_range", ["min": String(range.min), "max": String(range.max)])
    }

    func minutes(_ range: MinMax) -> String {
        range.min == range.max
            ? page.t("minute_plain", ["count": String(range.min)]) : page.t("minutes_plain", ["min": String(range.min), "max": String(range.max)])
    }

    func totalCost(_ totals: ProcedureTotals) -> String {
        if totals.isFree { return page.t("free") }
        if totals.costs.isEmpty { return page.t("unknown") }
        let parts = totals.costs.map { range in
            range.min == range.max
                ? money(range.min, range.currency)
                : page.t("cost_range", ["min": money(range.min, range.currency), "max": money(range.max, range.currency)])
        }
        let text = parts.joined(separator: " + ")
        return totals.costIncomplete ? page.t("at_least", ["value": text]) : text
    }

    func totalTime(_ totals: ProcedureTotals) -> String {
        var parts: [String] = []
        if let days = totals.days { parts.append(self.days(days)) }
        if let minutes = totals.minutesAtPlaces, minutes.max > 0 {
            parts.append(
                minutes.min == minutes.max
                    ? page.t("minutes", ["count": String(minutes.min)])
                    : page.t("minutes_range", ["min": String(minutes.min), "max": String(minutes.max)]))
        }
        if parts.isEmpty { return page.t("unknown") }
        let text = parts.joined(separator: " + ")
        return totals.timeIncomplete ? page.t("at_least", ["value": text]) : text
    }

    func requirementCounts(_ requirement: Requirement) -> String {
        var parts: [String] = []
        let originals = requirement.originals ?? ((requirement.copies ?? 0) + (requirement.certifiedCopies ?? 0) == 0 ? 1 : 0)
        if originals > 0 { parts.append(page.t("originals", ["count": String(originals)])) }
        if let copies = requirement.copies, copies > 0 { parts.append(page.t("copies", ["count": String(copies)])) }
        if let certified = requirement.certifiedCopies, certified > 0 { parts.append(page.t("certified_copies", ["count": String(certified)])) }
        return parts.joined(separator: ", ")
    }

    func hours(_ hours: [OpeningHours]) -> [String] {
        hours.map { slot in
            let days = Self.dayRanges(slot.days).compactMap { range -> String? in
                guard let first = range.first, let last = range.last else { return nil }
                return range.count == 1 ? page.t("weekdays.\(first)") : "\(page.t("weekdays.\(first)"))–\(page.t("weekdays.\(last)"))"
            }.joined(separator: ", ")
            return page.t("hours_line", ["days": days, "opens": slot.opens, "closes": slot.closes])
        }
    }

    static func dayRanges(_ days: [Int]) -> [[Int]] {
        var ranges: [[Int]] = []
        for day in Set(days).sorted() {
            if let last = ranges.last?.last, last + 1 == day {
                ranges[ranges.count - 1].append(day)
            } else {
                ranges.append([day])
            }
        }
        return ranges
    }

    func date(_ isoDate: String) -> String {
        let parts = isoDate.split(separator: "-")
        if parts.count == 2, language == .fr { return "\(parts[1])/\(parts[0])" }
        guard parts.count == 3 else { return isoDate }
        return language == .fr ? "\(parts[2])/\(parts[1])/\(parts[0])" : isoDate
    }
}
