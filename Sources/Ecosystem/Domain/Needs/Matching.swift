// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation

/// An administration's need or pain point, recorded by an analyst.
package struct Need: Equatable, Sendable, Codable {
    package var id: String
    package var institution: String
    /// The catalogue procedure it is about, if any.
    package var procedureId: String?
    /// ISO code of the country (the procedure's, or chosen by the analyst).
    package var country: String?
    package var problem: String
    package var affected: String
    package var yearlyVolume: Int?
    package var evidence: String
    package var sdgs: [Int] = []
    package var thematicAreas: [String] = []
    package var sectors: [String] = []
    /// Channels that reach the people affected (basic phones → SMS, USSD; assisted → agent…).
    package var channels: [Channel] = []
    package var createdBy: String
    package var createdAt: String
}

/// One solution's score for a need: the sum of its parts, each with the reason shown to the analyst.
package struct MatchScore: Equatable, Sendable {
    package enum Part: String, Sendable, CaseIterable {
        case words, sector, sdg
        case thematicArea = "thematic_area"
        case country, channel, maturity
    }

    package struct Reason: Equatable, Sendable {
        package var part: Part
        package var points: Int
        /// What matched, in the data's own words ("état civil", "16", "sms", "pilot", "Togo", "naissance, sms").
        package var detail: String
    }

    package var solutionId: String
    package var reasons: [Reason]
    package var total: Int { reasons.reduce(0) { $0 + $1.points } }
}

/// The transparent score. Points per part are constants the page states; nothing is learned or hidden.
package enum Matcher {
    package static let pointsPerWord = 4
    package static let maxWordPoints = 24
    package static let pointsPerSector = 12
    package static let pointsPerSDG = 6
    package static let pointsPerThematicArea = 6
    package static let sameCountry = 10
    package static let pointsPerChannel = 8
    package static let maturityPoints: [Maturity: Int] = [.idea: 0, .prototype: 2, .pilot: 5, .atScale: 8]

    /// Words worth comparing: folded (accents, case, plurals), at least four letters, not stop words.
    static func terms(_ texts: [String]) -> Set<String> {
        Set(texts.flatMap(TextFolding.words).filter { $0.count >= 4 && !stopWords.contains($0) && !ignored.contains($0) })
    }

    static let stopWords: Set<String> = [
        "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "un", "une", "pour", "par", "sur", "the", "of", "an",
        "to", "for", "and", "in", "on",
    ]

    static let ignored: Set<String> = ["dans", "avec", "plus", "sont", "leur", "cette", "from", "with", "that", "this", "their", "have", "solution"]

    /// Sectors meet when the words of one are all in the other ("état civil" and "Naissance et état civil").
    static func sectorsMeet(_ a: String, _ b: String) -> Bool {
        let x = Set(TextFolding.words(a).filter { !stopWords.contains($0) })
        let y = Set(TextFolding.words(b).filter { !stopWords.contains($0) })
        guard !x.isEmpty, !y.isEmpty else { return false }
        return x.isSubset(of: y) || y.isSubset(of: x)
    }

    /// `countryNames`: the names a country code goes by in solutions ("TG" → "Togo").
    package static func score(need: Need, procedureTitle: String?, solution: Solution, countryNames: [String: [String]]) -> MatchScore {
        var reasons: [MatchScore.Reason] = []
        let needTerms = terms([need.problem, need.affected, procedureTitle ?? ""] + need.sectors + need.thematicAreas)
        let solutionTerms = terms(
            [solution.name, solution.descriptionFr ?? "", solution.descriptionEn ?? ""] + solution.sectors + solution.thematicAreas)
        let shared = needTerms.intersection(solutionTerms).sorted()
        if !shared.isEmpty {
            reasons.append(
                .init(part: .words, points: min(maxWordPoints, shared.count * pointsPerWord), detail: shared.prefix(6).joined(separator: ", ")))
        }
        var matchedSectors: [String] = []
        for sector in need.sectors where solution.sectors.contains(where: { sectorsMeet($0, sector) }) && !matchedSectors.contains(sector) {
            matchedSectors.append(sector)
        }
        for sector in matchedSectors.prefix(2) { reasons.append(.init(part: .sector, points: pointsPerSector, detail: sector)) }
        for sdg in need.sdgs where solution.sdgs.contains(sdg) { reasons.append(.init(part: .sdg, points: pointsPerSDG, detail: String(sdg))) }
        let folded = Set(solution.thematicAreas.map { $0.lowercased() })
        for area in need.thematicAreas where folded.contains(area.lowercased()) {
            reasons.append(.init(part: .thematicArea, points: pointsPerThematicArea, detail: area))
        }
        // Only a solution that meets the need somewhere is a candidate; country, channels and maturity then order them.
        guard !reasons.isEmpty else { return MatchScore(solutionId: solution.id, reasons: []) }
        if let country = need.country {
            let names = Set(([country] + (countryNames[country] ?? [])).map { $0.lowercased() })
            if let same = solution.countries.first(where: { names.contains($0.lowercased()) }) {
                reasons.append(.init(part: .country, points: sameCountry, detail: same))
            }
        }
        for channel in need.channels where solution.channels.contains(channel) {
            reasons.append(.init(part: .channel, points: pointsPerChannel, detail: channel.rawValue))
        }
        if let maturity = solution.maturity, let points = maturityPoints[maturity], points > 0 {
            reasons.append(.init(part: .maturity, points: points, detail: maturity.rawValue))
        }
        return MatchScore(solutionId: solution.id, reasons: reasons)
    }

    /// Candidates best first (ties by name), at most `limit`.
    package static func rank(
        need: Need, procedureTitle: String?, solutions: [Solution], countryNames: [String: [String]], limit: Int = 20
    ) -> [(solution: Solution, score: MatchScore)] {
        solutions.map { ($0, score(need: need, procedureTitle: procedureTitle, solution: $0, countryNames: countryNames)) }
            .filter { $0.1.total > 0 }
            .sorted { $0.1.total != $1.1.total ? $0.1.total > $1.1.total : $0.0.name < $1.0.name }
            .prefix(limit).map { (solution: $0.0, score: $0.1) }
    }
}

/// An analyst's decision on a solution matched to a need.
package enum MatchDecision: String, Sendable, Codable, CaseIterable {
    case confirmed, dismissed
}
