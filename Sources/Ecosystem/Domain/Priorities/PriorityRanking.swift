// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

/// "What to digitalise first": each procedure gets a score from five parts, each in 0…1, weighted by the analyst's
/// visible weights: score = 100 × Σ weightᵢ × partᵢ / Σ weightᵢ. Volume, burden and needs are divided by their largest
/// value among the procedures ranked; readiness counts ½ per sign; low satisfaction is the share of ratings that are not
/// satisfied (itself a share, so not rescaled).
package enum PriorityRanking {
    package struct Weights: Equatable, Sendable {
        package var volume: Int
        package var burden: Int
        package var needs: Int
        package var readiness: Int
        package var satisfaction: Int

        package init(volume: Int, burden: Int, needs: Int, readiness: Int, satisfaction: Int) {
            self.volume = volume
            self.burden = burden
            self.needs = needs
            self.readiness = readiness
            self.satisfaction = satisfaction
        }

        package static let standard = Weights(volume: 3, burden: 3, needs: 2, readiness: 1, satisfaction: 2)
        package static let range = 0...10

        package var total: Int { volume + burden + needs + readiness + satisfaction }
    }

    /// A procedure with fewer ratings than this says nothing reliable about satisfaction: it counts as neutral.
    package static let minimumRatings = 5
    /// Neutral low satisfaction when no procedure has enough ratings (every procedure then gets the same part).
    package static let neutralWhenNoneRated = 0.5

    /// How many times one source measured the procedure over the last 12 months (`key`: the locale key of what it counts).
    package struct Measured: Equatable, Sendable {
        package var key: String
        package var count: Int

        package init(key: String, count: Int) {
            self.key = key
            self.count = count
        }
    }

    package enum VolumeSource: String, Sendable {
        case declared, measured, none
    }

    /// What is known of one procedure.
    package struct Input: Equatable, Sendable {
        package var procedureId: String
        package var title: String
        package var country: String
        package var categories: [String]
        /// People or cases a year, as declared in the needs recorded for it.
        package var declaredVolume: Int
        /// Uses measured over the last 12 months, per source (tickets served, applications filed…).
        package var measured: [Measured]
        /// Ratings over the last 12 months, all sources together, and how many of them were satisfied.
        package var satisfied: Int
        package var rated: Int
        package var steps: Int
        package var institutions: Int
        package var documents: Int
        /// Longest wait, in days, between the steps.
        package var days: Int
        /// Dearest total, in CFA francs (XOF and XAF are at par); nil when no amount is stated.
        package var cost: Double?
        package var needs: Int
        package var confirmedSolution: Bool
        package var online: Bool

        package init(
            procedure: Procedure, declaredVolume: Int, needs: Int, confirmedSolution: Bool, measured: [Measured] = [], satisfied: Int = 0,
            rated: Int = 0, hasEForm: Bool = false
        ) {
            let totals = ProcedureTotals(procedure: procedure)
            self.init(
                procedureId: procedure.id, title: procedure.title.fr, country: procedure.country, categories: procedure.categories,
                declaredVolume: declaredVolume, measured: measured, satisfied: satisfied, rated: rated, steps: totals.steps,
                institutions: totals.institutions, documents: totals.documents, days: totals.days?.max ?? 0,
                cost: totals.costs.filter { ["XOF", "XAF"].contains($0.currency) }.map(\.max).max(), needs: needs,
                confirmedSolution: confirmedSolution, online: procedure.channel != .counter || hasEForm)
        }

        package init(
            procedureId: String, title: String, country: String, categories: [String], declaredVolume: Int, measured: [Measured] = [],
            satisfied: Int = 0, rated: Int = 0, steps: Int, institutions: Int, documents: Int, days: Int, cost: Double?, needs: Int,
            confirmedSolution: Bool, online: Bool
        ) {
            self.procedureId = procedureId
            self.title = title
            self.country = country
            self.categories = categories
            self.declaredVolume = declaredVolume
            self.measured = measured
            self.satisfied = satisfied
            self.rated = rated
            self.steps = steps
            self.institutions = institutions
            self.documents = documents
            self.days = days
            self.cost = cost
            self.needs = needs
            self.confirmedSolution = confirmedSolution
            self.online = online
        }

        package var measuredVolume: Int { measured.map(\.count).reduce(0, +) }
        /// The larger of the declared and the measured yearly volume.
        package var yearlyVolume: Int { max(declaredVolume, measuredVolume) }
        package var volumeSource: VolumeSource {
            measuredVolume > declaredVolume ? .measured : declaredVolume > 0 ? .declared : .none
        }
        /// The share of ratings that are not satisfied; nil with fewer than `minimumRatings` ratings.
        package var dissatisfaction: Double? {
            rated >= PriorityRanking.minimumRatings ? Double(rated - satisfied) / Double(rated) : nil
        }
    }

    package struct Row: Equatable, Sendable {
        package var input: Input
        /// Each part in 0…1.
        package var volume: Double
        package var burden: Double
        package var needs: Double
        package var readiness: Double
        /// Low satisfaction: the share not satisfied, or the neutral value when too few ratings.
        package var satisfaction: Double
        package var satisfactionNeutral: Bool
        package var score: Double
    }

    static func share(_ value: Double, _ largest: Double) -> Double { largest > 0 ? value / largest : 0 }

    /// The neutral low-satisfaction part: the mean over the procedures with enough ratings, so that the others neither
    /// gain nor lose against them (`neutralWhenNoneRated` when none has).
    package static func neutralSatisfaction(_ inputs: [Input]) -> Double {
        let known = inputs.compactMap(\.dissatisfaction)
        return known.isEmpty ? neutralWhenNoneRated : known.reduce(0, +) / Double(known.count)
    }

    /// The citizen's burden: the mean of steps, institutions, documents, days and cost, each divided by its largest value.
    /// Cost counts only where an amount is stated.
    package static func rank(_ inputs: [Input], weights: Weights) -> [Row] {
        let maxVolume = Double(inputs.map(\.yearlyVolume).max() ?? 0)
        let maxSteps = Double(inputs.map(\.steps).max() ?? 0)
        let maxInstitutions = Double(inputs.map(\.institutions).max() ?? 0)
        let maxDocuments = Double(inputs.map(\.documents).max() ?? 0)
        let maxDays = Double(inputs.map(\.days).max() ?? 0)
        let maxCost = inputs.compactMap(\.cost).max() ?? 0
        let maxNeeds = Double(inputs.map(\.needs).max() ?? 0)
        let neutral = neutralSatisfaction(inputs)
        let rows = inputs.map { input -> Row in
            var burdenParts = [
                share(Double(input.steps), maxSteps), share(Double(input.institutions), maxInstitutions),
                share(Double(input.documents), maxDocuments), share(Double(input.days), maxDays),
            ]
            if let cost = input.cost { burdenParts.append(share(cost, maxCost)) }
            let burden = burdenParts.reduce(0, +) / Double(burdenParts.count)
            let volume = share(Double(input.yearlyVolume), maxVolume)
            let needs = share(Double(input.needs), maxNeeds)
            let readiness = (input.confirmedSolution ? 0.5 : 0) + (input.online ? 0.5 : 0)
            let satisfaction = input.dissatisfaction ?? neutral
            let weighted =
                Double(weights.volume) * volume + Double(weights.burden) * burden + Double(weights.needs) * needs
                + Double(weights.readiness) * readiness + Double(weights.satisfaction) * satisfaction
            let score = weights.total > 0 ? 100 * weighted / Double(weights.total) : 0
            return Row(
                input: input, volume: volume, burden: burden, needs: needs, readiness: readiness, satisfaction: satisfaction,
                satisfactionNeutral: input.dissatisfaction == nil, score: score)
        }
        return rows.sorted { $0.score != $1.score ? $0.score > $1.score : $0.input.procedureId < $1.input.procedureId }
    }

    package struct SectorRow: Equatable, Sendable {
        package var category: String
        package var procedures: Int
        package var meanScore: Double
        package var best: Row
    }

    /// "Which sectors first": the catalogue's categories by the mean score of their procedures.
    package static func bySector(_ rows: [Row]) -> [SectorRow] {
        var groups: [String: [Row]] = [:]
        for row in rows {
            for category in row.input.categories { groups[category, default: []].append(row) }
        }
        return groups.map { category, members in
            SectorRow(
                category: category, procedures: members.count, meanScore: members.map(\.score).reduce(0, +) / Double(members.count),
                best: members.max { $0.score < $1.score }!)
        }.sorted { $0.meanScore != $1.meanScore ? $0.meanScore > $1.meanScore : $0.category < $1.category }
    }

    /// The table as CSV (comma-separated, quoted where needed), in the order of the ranking. `measured_by_source` lists
    /// each source's count (`tickets=120;applications=4`, the locale key without `measures.`).
    package static func csv(_ rows: [Row], weights: Weights) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        func part(_ value: Double) -> String { String(format: "%.3f", value) }
        var lines = [
            "rank,procedure_id,title,country,score,volume_part,burden_part,needs_part,readiness_part,satisfaction_part,yearly_volume,volume_source,"
                + "declared_volume,measured_volume,measured_by_source,steps,institutions,documents,days,cost_xof,needs,confirmed_solution,online,"
                + "satisfied,rated,satisfaction_neutral,weights"
        ]
        let weightText =
            "volume=\(weights.volume);burden=\(weights.burden);needs=\(weights.needs);readiness=\(weights.readiness);satisfaction=\(weights.satisfaction)"
        for (index, row) in rows.enumerated() {
            let input = row.input
            let bySource = input.measured.map {
                "\($0.key.hasPrefix("measures.") ? String($0.key.dropFirst("measures.".count)) : $0.key)=\($0.count)"
            }
            lines.append(
                [
                    String(index + 1), field(input.procedureId), field(input.title), input.country, number(row.score), part(row.volume),
                    part(row.burden),
                    part(row.needs), part(row.readiness), part(row.satisfaction), String(input.yearlyVolume), input.volumeSource.rawValue,
                    String(input.declaredVolume), String(input.measuredVolume), field(bySource.joined(separator: ";")), String(input.steps),
                    String(input.institutions), String(input.documents), String(input.days),
                    input.cost.map { String($0.clampedInt(.towardZero)) } ?? "", String(input.needs),
                    input.confirmedSolution ? "yes" : "no", input.online ? "yes" : "no", String(input.satisfied), String(input.rated),
                    row.satisfactionNeutral ? "yes" : "no", weightText,
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
