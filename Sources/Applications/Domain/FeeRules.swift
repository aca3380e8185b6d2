// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

/// The fees of a form, from the catalogue's costs and the person's answers.
package enum FeeRules {
    /// Currencies without minor units that Guichet charges in.
    static let currencies: Set<String> = ["XOF", "XAF"]

    /// The procedure's costs in the order of its steps (a fee names one by its position, from 1).
    package static func costs(_ procedure: Procedure) -> [Cost] {
        procedure.blocks.flatMap(\.steps).flatMap { $0.costs ?? [] }
    }

    /// The amount and currency of a cost that can be charged online: a whole amount in XOF or XAF; nil otherwise
    /// ("non renseigné", a percentage, free).
    package static func chargeable(_ cost: Cost) -> (amount: Int, currency: String)? {
        guard cost.kind == .amount, let amount = cost.amount, amount > 0, amount < 100_000_000, amount.rounded() == amount,
            let currency = cost.currency?.uppercased(), currencies.contains(currency)
        else { return nil }
        return (amount.clampedInt(.towardZero), currency)
    }

    /// A fee as the start page announces it, before any answer.
    package struct Announced: Sendable {
        package var label: LocalizedText
        package var amount: Int?
        package var currency: String?
        package var stage: FeeStage
        /// Charged per unit of an answer, or only for some answers: the page says "depending on your answers".
        package var depends: Bool
    }

    /// Every fee of the form, as announced before the person answers (a cost no longer chargeable shows no amount).
    package static func announced(_ definition: FormDefinition, procedure: Procedure) -> [Announced] {
        let costs = costs(procedure)
        return (definition.fees ?? []).compactMap { fee in
            guard fee.cost >= 1, fee.cost <= costs.count else { return nil }
            let cost = costs[fee.cost - 1]
            let charge = chargeable(cost)
            return Announced(
                label: label(cost, fee: fee), amount: charge?.amount, currency: charge?.currency, stage: fee.due,
                depends: fee.perField != nil || fee.when != nil)
        }
    }

    /// The lines the answers make due (all stages, or one), each a whole amount.
    package static func lines(_ definition: FormDefinition, procedure: Procedure, answers: [String: String], stage: FeeStage? = nil) -> [FeeLine] {
        let costs = costs(procedure)
        return (definition.fees ?? []).compactMap { fee -> FeeLine? in
            guard stage == nil || fee.due == stage, fee.cost >= 1, fee.cost <= costs.count, let charge = chargeable(costs[fee.cost - 1]) else {
                return nil
            }
            if let condition = fee.when, answers[condition.field] != condition.equals { return nil }
            var units = 1
            if let key = fee.perField {
                guard let value = answers[key].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), value > 0 else { return nil }
                units = min(value, 1000)
            }
            let label = label(costs[fee.cost - 1], fee: fee)
            let (amount, overflow) = charge.amount.multipliedReportingOverflow(by: units)
            guard !overflow else { return nil }
            return FeeLine(
                key: fee.key, labelFr: label.fr, labelEn: label.en ?? label.fr, amount: amount, currency: charge.currency, stage: fee.due)
        }
    }

    static func label(_ cost: Cost, fee: FormFee) -> LocalizedText {
        cost.label ?? cost.text ?? LocalizedText(fr: fee.key)
    }

    /// `12 500 FCFA`: a whole amount as people read it (a narrow no-break space between thousands).
    package static func format(_ amount: Int, currency: String) -> String {
        var digits = String(amount.magnitude)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        let name = currency == "XOF" || currency == "XAF" ? "FCFA" : currency
        return (amount < 0 ? "-" : "") + groups.joined(separator: "\u{202F}") + " " + name
    }
}
