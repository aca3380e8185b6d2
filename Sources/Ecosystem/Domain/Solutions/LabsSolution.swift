// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation

/// Reads a solution record of the Labs platform into a `Solution`, leaving personal data behind: the focal point,
/// the holder's name and contact answers, paragraphs with e-mails or phone numbers, pictures.
package enum LabsSolution {
    package enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case format(LabsFormatError)
        case notASolution(type: String)
        case missingTitle
        case unknownSDG(String)

        package var description: String {
            switch self {
            case .format(let error): return error.description
            case .notASolution(let type): return "type is \"\(type)\", not solution"
            case .missingTitle: return "no title"
            case .unknownSDG(let value): return "unknown SDG \"\(value)\""
            }
        }
    }

    package static func solution(text: String) throws(Problem) -> Solution {
        let document: LabsDocument
        do { document = try LabsFormat.parse(text) } catch let error as LabsFormatError { throw .format(error) } catch {
            throw .format(LabsFormatError(line: 0, reason: .notUTF8, text: ""))
        }
        return try solution(document: document)
    }

    package static func solution(document: LabsDocument) throws(Problem) -> Solution {
        if let type = document.value("type"), type != "solution" { throw .notASolution(type: type) }
        guard let name = document.displayTitle.map({ cleanTitle(LabsFormat.decodeEntities($0)) }), !name.isEmpty else { throw .missingTitle }
        var sdgs: [Int] = []
        for raw in LearningPlan.nonEmpty(document.values("sdgs")) {
            guard let sdg = SDG(label: raw) else { throw .unknownSDG(raw) }
            if !sdgs.contains(sdg.number) { sdgs.append(sdg.number) }
        }
        let countries = LearningPlan.nonEmpty(document.values("country").map { $0.trimmingCharacters(in: .whitespaces) })
        let year = document.value("year").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        var solution = Solution(
            id: Solution.makeId(prefix: "labs-", name: name, identity: [countries.joined(separator: ","), year.map(String.init) ?? ""]),
            source: .labs, name: name)
        solution.sdgs = sdgs
        solution.countries = countries
        solution.year = year
        solution.thematicAreas = LearningPlan.nonEmpty(
            document.values("thematic_areas").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") })

        var paragraphs: [String] = []
        var answers: [(question: String, answer: String)] = []
        for section in document.sections where !PersonalData.isPersonalQuestion(section.heading ?? "") {
            for block in section.blocks {
                let question = LabsFormat.decodeEntities(block.questionText ?? "")
                if !question.isEmpty && PersonalData.isPersonalQuestion(question) { continue }
                let kept = PersonalData.scrub(paragraphsOf(LabsFormat.decodeEntities(block.answerText)))
                if !question.isEmpty, !kept.isEmpty { answers.append((question, kept.joined(separator: "\n\n"))) }
                paragraphs += kept
            }
        }
        let description = paragraphs.joined(separator: "\n\n")
        if !description.isEmpty {
            if isFrench(description) { solution.descriptionFr = description } else { solution.descriptionEn = description }
        }
        let searchable = TextFolding.words(([name] + paragraphs).joined(separator: " "))
        solution.channels = channels(in: searchable)
        solution.maturity = maturity(answers)
        solution.openSource = openSource(answers)
        solution.links = links(answers)
        return solution
    }

    /// "1)       « EasySchool » au service…" → "« EasySchool » au service…": list numbering left by the export goes.
    static func cleanTitle(_ title: String) -> String {
        title.replacing(/^\d{1,2}\s*[\)\.\-]\s*/, with: "").trimmingCharacters(in: .whitespaces)
    }

    static func paragraphsOf(_ text: String) -> [String] {
        var result: [String] = []
        var current: [String] = []
        for line in LabsFormat.lines(text) {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty {
                if !current.isEmpty { result.append(current.joined(separator: " ")) }
                current = []
            } else {
                current.append(trimmed)
            }
        }
        if !current.isEmpty { result.append(current.joined(separator: " ")) }
        return result
    }

    static let frenchWords: Set<String> = ["le", "la", "les", "des", "est", "et", "pour", "une", "du", "dans", "qui", "avec", "sur", "au"]
    static let englishWords: Set<String> = ["the", "and", "is", "of", "for", "with", "to", "in", "that", "this", "are", "on"]

    /// The records are in French or English: the language whose common words are more frequent wins.
    static func isFrench(_ text: String) -> Bool {
        let words = TextFolding.words(text)
        return words.filter(frenchWords.contains).count >= words.filter(englishWords.contains).count
    }

    static func channels(in words: [String]) -> [Channel] {
        let set = Set(words)
        var result: [Channel] = []
        let joined = " " + words.joined(separator: " ") + " "
        if set.contains("web") || set.contains("website") || joined.contains(" site internet ") || joined.contains(" plateforme en ligne ") {
            result.append(.web)
        }
        if joined.contains(" application mobile ") || joined.contains(" mobile app ") || set.contains("android") || set.contains("smartphone") {
            result.append(.app)
        }
        if set.contains("ussd") { result.append(.ussd) }
        if set.contains("sms") { result.append(.sms) }
        return result
    }

    static func answer(_ answers: [(question: String, answer: String)], _ keys: [String]) -> String? {
        answers.first { pair in keys.contains { pair.question.lowercased().contains($0) } }?.answer
    }

    static func maturity(_ answers: [(question: String, answer: String)]) -> Maturity? {
        guard let text = answer(answers, ["prototype or product", "stage", "type of the solution"]) else { return nil }
        let joined = " " + TextFolding.words(text).joined(separator: " ") + " "
        if joined.contains(" scale ") || joined.contains(" echelle ") || joined.contains(" product ") || joined.contains(" produit ") {
            return .atScale
        }
        if joined.contains(" pilot ") || joined.contains(" pilote ") { return .pilot }
        if joined.contains(" prototype ") { return .prototype }
        if joined.contains(" idea ") || joined.contains(" idee ") { return .idea }
        return nil
    }

    static func openSource(_ answers: [(question: String, answer: String)]) -> Bool? {
        guard let text = answer(answers, ["open source"]) else { return nil }
        let joined = " " + TextFolding.words(text).joined(separator: " ") + " "
        if joined.contains(" ip ") || joined.contains(" protected ") || joined.contains(" brevet ") || joined.contains(" protege ") { return false }
        if joined.contains(" open ") || joined.contains(" diy ") || joined.contains(" libre ") { return true }
        return nil
    }

    static func links(_ answers: [(question: String, answer: String)]) -> [String] {
        guard let text = answer(answers, ["link to the solution"]) else { return [] }
        return text.matches(of: /https?:\/\/[^\s)\]]+/).map { String($0.output) }.filter { !$0.contains("blobs/") }
    }
}
