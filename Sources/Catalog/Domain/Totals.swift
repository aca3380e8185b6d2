// SPDX-License-Identifier: MPL-2.0
import Foundation

/// A procedure's totals, computed the way eRegulations does: steps, institutions, documents, cost and time.
/// Parallel steps count once for time (the longest); alternatives give a range (cheapest/quickest to dearest/slowest).
package struct ProcedureTotals: Equatable, Sendable, Codable {
    package var steps: Int
    package var institutions: Int
    package var documents: Int
    /// Sum of stated amounts per currency, as a range.
    package var costs: [CurrencyRange]
    /// A step's cost is "non renseigné" or a percentage: the amount above is a floor.
    package var costIncomplete: Bool
    package var isFree: Bool
    /// Minutes spent at places (in line and at the counter).
    package var minutesAtPlaces: MinMax?
    /// Days waited between steps.
    package var days: MinMax?
    /// Some step has no stated time.
    package var timeIncomplete: Bool

    package struct CurrencyRange: Equatable, Sendable, Codable {
        package var currency: String
        package var min: Double
        package var max: Double
    }

    package init(procedure: Procedure) {
        let allSteps = procedure.blocks.flatMap(\.steps)
        steps = allSteps.count
        institutions = Set([procedure.institution] + allSteps.compactMap(\.institution)).count
        documents = Set(allSteps.flatMap { $0.requirements ?? [] }.map { $0.name.fr.lowercased() }).count
        let stepCosts = allSteps.flatMap { $0.costs ?? [] }
        costIncomplete = stepCosts.contains { $0.kind == .unknown || $0.kind == .percentage }
        isFree = !stepCosts.isEmpty && stepCosts.allSatisfy { $0.kind == .free }

        var costTotals: [String: (min: Double, max: Double)] = [:]
        var minutes: (min: Int, max: Int)? = nil
        var days: (min: Int, max: Int)? = nil
        var timeIncomplete = false
        for block in procedure.blocks where !block.steps.isEmpty {
            let stepCosts = block.steps.map(Self.costs(of:))
            // An optional step adds nothing to the minimum, as for costs.
            let stepMinutes = block.steps.map { step -> (Int, Int)? in
                guard let timeframe = step.timeframe else { return nil }
                let parts = [timeframe.waitingInLineMinutes, timeframe.atCounterMinutes].compactMap { $0 }
                return parts.isEmpty ? nil : (step.optional == true ? 0 : parts.map(\.min).reduce(0, +), parts.map(\.max).reduce(0, +))
            }
            let stepDays = block.steps.map { step -> (Int, Int)? in
                step.timeframe?.untilNextStepDays.map { (step.optional == true ? 0 : $0.min, $0.max) }
            }
            if block.steps.contains(where: { $0.timeframe == nil }) { timeIncomplete = true }
            let optional = block.optional == true

            let blockCosts = Self.combine(stepCosts, mode: block.mode)
            for (currency, range) in blockCosts {
                let current = costTotals[currency] ?? (0, 0)
                costTotals[currency] = (current.min + (optional ? 0 : range.min), current.max + range.max)
            }
            if let range = Self.combine(stepMinutes, mode: block.mode) {
                minutes = ((minutes?.min ?? 0) + (optional ? 0 : range.0), (minutes?.max ?? 0) + range.1)
            }
            if let range = Self.combine(stepDays, mode: block.mode) {
                days = ((days?.min ?? 0) + (optional ? 0 : range.0), (days?.max ?? 0) + range.1)
            }
        }
        costs = costTotals.sorted { $0.key < $1.key }.map { CurrencyRange(currency: $0.key, min: $0.value.min, max: $0.value.max) }
        minutesAtPlaces = minutes.map { MinMax(min: $0.min, max: $0.max) }
        self.days = days.map { MinMax(min: $0.min, max: $0.max) }
        self.timeIncomplete = timeIncomplete
    }

    /// A step's stated amounts per currency (optional steps cost nothing at least).
    static func costs(of step: Step) -> [String: (min: Double, max: Double)] {
        var totals: [String: (min: Double, max: Double)] = [:]
        for cost in step.costs ?? [] where cost.kind == .amount {
            guard let amount = cost.amount, let currency = cost.currency else { continue }
            let current = totals[currency] ?? (0, 0)
            totals[currency] = (current.min + (step.optional == true ? 0 : amount), current.max + amount)
        }
        return totals
    }

    static func combine(_ values: [[String: (min: Double, max: Double)]], mode: BlockMode) -> [String: (min: Double, max: Double)] {
        let currencies = Set(values.flatMap(\.keys))
        var result: [String: (min: Double, max: Double)] = [:]
        for currency in currencies {
            let ranges = values.map { $0[currency] ?? (0, 0) }
            switch mode {
            case .sequence, .parallel:
                result[currency] = (ranges.map(\.min).reduce(0, +), ranges.map(\.max).reduce(0, +))
            case .alternative:
                result[currency] = (ranges.map(\.min).min() ?? 0, ranges.map(\.max).max() ?? 0)
            }
        }
        return result
    }

    static func combine(_ values: [(Int, Int)?], mode: BlockMode) -> (Int, Int)? {
        let known = values.compactMap { $0 }
        let lows = known.map(\.0)
        let highs = known.map(\.1)
        guard let lowest = lows.min(), let highestLow = lows.max(), let highest = highs.max() else { return nil }
        switch mode {
        case .sequence: return (lows.reduce(0, +), highs.reduce(0, +))
        case .parallel: return (highestLow, highest)
        case .alternative: return (lowest, highest)
        }
    }
}
