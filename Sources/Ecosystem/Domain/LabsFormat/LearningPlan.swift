// SPDX-License-Identifier: MPL-2.0
import Catalog
import Crypto
import Foundation
import GuichetCore

/// One of the 17 Sustainable Development Goals, written by the platform as "16. Peace, justice and strong institutions".
package struct SDG: Equatable, Hashable, Sendable, Comparable {
    package let number: Int

    package init?(number: Int) {
        guard (1...17).contains(number) else { return nil }
        self.number = number
    }

    /// The goal number before the first dot; anything else is not a goal.
    package init?(label: String) {
        let trimmed = label.trimmingCharacters(in: .whitespaces)
        guard let dot = trimmed.firstIndex(of: "."), let number = Int(trimmed[..<dot]) else { return nil }
        self.init(number: number)
    }

    package static func < (lhs: SDG, rhs: SDG) -> Bool { lhs.number < rhs.number }
}

/// What a learning plan says, read from its document. The document itself is what is stored and exported.
package struct LearningPlan: Sendable, Equatable {
    package enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case format(LabsFormatError)
        case notALearningPlan(type: String)
        case missingTitle
        case missingHeader
        case badYear(String)
        case unknownSDG(String)

        package var description: String {
            switch self {
            case .format(let error): return error.description
            case .notALearningPlan(let type): return "type is \"\(type)\", not learningplan"
            case .missingTitle: return "no \"# Title\" line"
            case .missingHeader: return "no [[key:value]] header: not an export of the Labs platform"
            case .badYear(let value): return "year \"\(value)\" is not a year"
            case .unknownSDG(let value): return "unknown SDG \"\(value)\" (expected \"1.\" to \"17.\" and the goal's name)"
            }
        }

        package var code: String {
            switch self {
            case .format(let error): return error.reason.rawValue
            case .notALearningPlan: return "not_learning_plan"
            case .missingTitle: return "missing_title"
            case .missingHeader: return "missing_header"
            case .badYear: return "bad_year"
            case .unknownSDG: return "unknown_sdg"
            }
        }
    }

    package static let type = "learningplan"

    package var document: LabsDocument
    package var title: String
    package var year: Int?
    package var country: String?
    package var sdgs: [SDG]
    package var thematicAreas: [String]
    package var methods: [String]
    package var dataSources: [String]

    package init(text: String) throws(Problem) {
        let document: LabsDocument
        do { document = try LabsFormat.parse(text) } catch let error as LabsFormatError { throw .format(error) } catch {
            throw .format(LabsFormatError(line: 0, reason: .notUTF8, text: ""))
        }
        try self.init(document: document)
    }

    package init(document: LabsDocument) throws(Problem) {
        self.document = document
        guard !document.keys.isEmpty else { throw .missingHeader }
        if let type = document.value("type"), type != Self.type { throw .notALearningPlan(type: type) }
        guard let title = document.displayTitle else { throw .missingTitle }
        self.title = title
        if let raw = document.value("year") {
            guard let year = Int(raw.trimmingCharacters(in: .whitespaces)), (1900...2200).contains(year) else { throw .badYear(raw) }
            self.year = year
        }
        country = document.value("country")?.trimmingCharacters(in: .whitespaces)
        var sdgs: [SDG] = []
        for raw in Self.nonEmpty(document.values("sdgs")) {
            guard let sdg = SDG(label: raw) else { throw .unknownSDG(raw) }
            if !sdgs.contains(sdg) { sdgs.append(sdg) }
        }
        self.sdgs = sdgs
        thematicAreas = Self.nonEmpty(document.values("thematic_areas"))
        methods = Self.nonEmpty(document.values("methods"))
        dataSources = Self.nonEmpty(document.values("datasources"))
    }

    static func nonEmpty(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && seen.insert($0).inserted }
    }

    /// The plan's stable id: a readable slug of its title and a short hash of title, country and year, so that
    /// importing the same plan again finds it, and two plans with the same title in different countries do not meet.
    package var id: String {
        let identity = [TextFolding.words(title).joined(separator: " "), country ?? "", year.map(String.init) ?? ""].joined(separator: "|")
        let digest = SHA256.hash(data: Data(identity.utf8)).hexLowercase
        let slug = TextFolding.words(title).prefix(8).joined(separator: "-")
        return (slug.isEmpty ? "plan" : String(slug.prefix(60))) + "-" + digest.prefix(8)
    }
}
