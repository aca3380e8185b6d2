import Catalog
import Foundation

/// "What to digitalise first": each procedure gets a score from four parts, each brought to 0…1 across the procedures
/// ranked (divided by the largest value), weighted by the analyst's visible weights:
/// score = 100 × Σ weightᵢ × partᵢ / Σ weightᵢ.
package enum PriorityRanking {
    package struct Weights: Equatable, Sendable {
        package var volume: Int
        package var burden: Int
        package var needs: Int
        package var readiness: Int

        package static let standard = Weights(volume: 3, burden: 3, needs: 2, readiness: 1)
        package static let range = 0...10

        package var total: Int { volume + burden + needs + readiness }
    }

    /// What is known of one procedure.
    package struct Input: Equatable, Sendable {
        package var procedureId: String
        package var title: String
        package var country: String
        package var categories: [String]
        /// People or cases a year, as declared in the needs recorded for it.
        package var yearlyVolume: Int
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

        package init(procedure: Procedure, yearlyVolume: Int, needs: Int, confirmedSolution: Bool) {
            let totals = ProcedureTotals(procedure: procedure)
            procedureId = procedure.id
            title = procedure.title.fr
            country = procedure.country
            categories = procedure.categories
            self.yearlyVolume = yearlyVolume
            steps = totals.steps
            institutions = totals.institutions
            documents = totals.documents
            days = totals.days?.max ?? 0
            cost = totals.costs.filter { ["XOF", "XAF"].contains($0.currency) }.map(\.max).max()
            self.needs = needs
            self.confirmedSolution = confirmedSolution
            online = procedure.channel != .counter
        }

        package init(
            procedureId: String, title: String, country: String, categories: [String], yearlyVolume: Int, steps: Int, institutions: Int,
            documents: Int, days: Int, cost: Double?, needs: Int, confirmedSolution: Bool, online: Bool
        ) {
            self.procedureId = procedureId
            self.title = title
            self.country = country
            self.categories = categories
            self.yearlyVolume = yearlyVolume
            self.steps = steps
            self.institutions = institutions
            self.documents = documents
            self.days = days
            self.cost = cost
            self.needs = needs
            self.confirmedSolution = confirmedSolution
            self.online = online
        }
    }

    package struct Row: Equatable, Sendable {
        package var input: Input
        /// Each part in 0…1.
        package var volume: Double
        package var burden: Double
        package var needs: Double
        package var readiness: Double
        package var score: Double
    }

    static func share(_ value: Double, _ largest: Double) -> Double { largest > 0 ? value / largest : 0 }

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
            let weighted =
                Double(weights.volume) * volume + Double(weights.burden) * burden + Double(weights.needs) * needs
                + Double(weights.readiness) * readiness
            let score = weights.total > 0 ? 100 * weighted / Double(weights.total) : 0
            return Row(input: input, volume: volume, burden: burden, needs: needs, readiness: readiness, score: score)
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

    /// The table as CSV (comma-separated, quoted where needed), in the order of the ranking.
    package static func csv(_ rows: [Row], weights: Weights) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var lines = [
            "rank,procedure_id,title,country,score,volume_part,burden_part,needs_part,readiness_part,yearly_volume,steps,institutions,documents,"
                + "days,cost_xof,needs,confirmed_solution,online,weights"
        ]
        let weightText = "volume=\(weights.volume);burden=\(weights.burden);needs=\(weights.needs);readiness=\(weights.readiness)"
        for (index, row) in rows.enumerated() {
            let input = row.input
            lines.append(
                [
                    String(index + 1), field(input.procedureId), field(input.title), input.country, number(row.score), String(format: "%.3f", row.volume),
                    String(format: "%.3f", row.burden), String(format: "%.3f", row.needs), String(format: "%.3f", row.readiness),
                    String(input.yearlyVolume), String(input.steps), String(input.institutions), String(input.documents), String(input.days),
                    input.cost.map { String(Int($0)) } ?? "", String(input.needs), input.confirmedSolution ? "yes" : "no", input.online ? "yes" : "no",
                    weightText,
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
