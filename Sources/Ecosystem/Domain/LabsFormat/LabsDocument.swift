// SPDX-License-Identifier: MPL-2.0
import Foundation

/// A page exported by the UNDP Accelerator Labs platform (learning plans and solutions share the format):
/// `# Title`, a header of `[[key:value]]` lines, then a body of `## Section` headings, `> question` lines and answers.
///
/// The model keeps every line it read, so that writing it back gives the same bytes: blank lines of the header,
/// repeated or empty headings, empty `>` lines, text before the first heading, values holding `:`, `]]` or a stray CR.
package struct LabsDocument: Equatable, Sendable, Codable {
    package enum HeaderLine: Equatable, Sendable, Codable {
        case entry(key: String, value: String)
        /// A blank line (possibly spaces or a CR) between header entries, kept as it was.
        case blank(String)
    }

    /// A `> question` line and the lines that follow it up to the next question or heading.
    package struct Block: Equatable, Sendable, Codable {
        /// What follows `>` on the question line, as written (usually with a leading space); nil for answer lines
        /// that come before any question in their section.
        package var question: String?
        package var lines: [String]

        package init(question: String?, lines: [String] = []) {
            self.question = question
            self.lines = lines
        }

        package var questionText: String? { question?.trimmingCharacters(in: .whitespacesAndNewlines) }

        /// The answer without the platform's layout lines (`<div class="group">`, `</div>`), trimmed.
        package var answerText: String {
            lines.filter { !LabsDocument.layoutLines.contains($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    package struct Section: Equatable, Sendable, Codable {
        /// What follows `## `; nil for the body before the first heading (solution records often have no heading).
        package var heading: String?
        package var blocks: [Block]

        package init(heading: String?, blocks: [Block] = []) {
            self.heading = heading
            self.blocks = blocks
        }
    }

    package var title: String?
    package var header: [HeaderLine]
    package var sections: [Section]

    package init(title: String?, header: [HeaderLine], sections: [Section]) {
        self.title = title
        self.header = header
        self.sections = sections
    }

    /// The title on one line, spaces collapsed; nil when it is empty.
    package var displayTitle: String? {
        guard let title else { return nil }
        let collapsed = title.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return collapsed.isEmpty ? nil : collapsed
    }

    static let layoutLines: Set<String> = ["<div class=\"group\">", "</div>"]

    /// Every value of `key`, in order, empty ones included.
    package func values(_ key: String) -> [String] {
        header.compactMap { line in
            if case .entry(key, let value) = line { return value }
            return nil
        }
    }

    /// The first non-empty value of `key`.
    package func value(_ key: String) -> String? {
        values(key).first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    package var keys: [String] {
        var seen = Set<String>()
        return header.compactMap { line in
            if case .entry(let key, _) = line, seen.insert(key).inserted { return key }
            return nil
        }
    }

    /// Replaces every entry of `key` by `values`, at the place of its first entry (or at the end of the entries).
    package mutating func setValues(_ key: String, _ values: [String]) {
        let entries = values.map { HeaderLine.entry(key: key, value: $0) }
        let first = header.firstIndex { if case .entry(key, _) = $0 { return true } else { return false } }
        header.removeAll { if case .entry(key, _) = $0 { return true } else { return false } }
        let lastEntry = header.lastIndex { if case .entry = $0 { return true } else { return false } }
        let position = min(first ?? (lastEntry.map { $0 + 1 } ?? header.count), header.count)
        header.insert(contentsOf: entries, at: position)
    }
}

package struct LabsFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    package enum Reason: String, Sendable {
        case malformedHeader = "malformed_header"
        case emptyKey = "empty_key"
        case notUTF8 = "not_utf8"
        /// CRLF line ends: the platform writes LF; convert the file (e.g. `dos2unix`) before importing.
        case windowsLineEndings = "windows_line_endings"
    }

    package var line: Int
    package var reason: Reason
    package var text: String

    package var description: String { "line \(line): \(reason.rawValue): \(text.prefix(80))" }
}

package enum LabsFormat {
    /// Lines are split on LF only: a CR may sit inside a value and is kept.
    static func lines(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// How far a title may run over several lines before the header.
    static let titleLookahead = 12

    package static func parse(_ data: Data) throws -> LabsDocument {
        guard let text = String(data: data, encoding: .utf8) else { throw LabsFormatError(line: 0, reason: .notUTF8, text: "") }
        return try parse(text)
    }

    package static func parse(_ text: String) throws -> LabsDocument {
        let lines = lines(text)
        var index = 0
        var title: String?
        if let first = lines.first, first.hasPrefix("# ") {
            index = 1
            // The platform writes a title holding line breaks as is: its lines run on until the header starts.
            if let headerStart = lines.prefix(titleLookahead).firstIndex(where: { $0.hasPrefix("[[") }),
                lines[1..<headerStart].allSatisfy({ !$0.hasPrefix("## ") && !$0.hasPrefix(">") }),
                let lastText = lines[1..<headerStart].lastIndex(where: { !$0.allSatisfy(\.isWhitespace) })
            {
                index = lastText + 1
            }
            title = String(lines[0..<index].joined(separator: "\n").dropFirst(2))
        }
        var header: [LabsDocument.HeaderLine] = []
        while index < lines.count {
            let line = lines[index]
            if line.allSatisfy({ $0.isWhitespace }) {
                header.append(.blank(line))
            } else if line.hasPrefix("[[") {
                header.append(try entry(line, number: index + 1))
            } else {
                break
            }
            index += 1
        }
        var sections: [LabsDocument.Section] = []
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("## ") {
                sections.append(.init(heading: String(line.dropFirst(3))))
            } else {
                if sections.isEmpty { sections.append(.init(heading: nil)) }
                if line.hasPrefix(">") {
                    sections[sections.count - 1].blocks.append(.init(question: String(line.dropFirst())))
                } else {
                    if sections[sections.count - 1].blocks.isEmpty { sections[sections.count - 1].blocks.append(.init(question: nil)) }
                    sections[sections.count - 1].blocks[sections[sections.count - 1].blocks.count - 1].lines.append(line)
                }
            }
            index += 1
        }
        return LabsDocument(title: title, header: header, sections: sections)
    }

    /// `[[key:value]]`, split on the first colon only: values may hold colons (links) and brackets.
    static func entry(_ line: String, number: Int) throws -> LabsDocument.HeaderLine {
        if line.hasSuffix("]]\r") { throw LabsFormatError(line: number, reason: .windowsLineEndings, text: line) }
        guard line.hasSuffix("]]"), line.count >= 4 else { throw LabsFormatError(line: number, reason: .malformedHeader, text: line) }
        let inner = line.dropFirst(2).dropLast(2)
        guard let colon = inner.firstIndex(of: ":") else { throw LabsFormatError(line: number, reason: .malformedHeader, text: line) }
        let key = String(inner[..<colon])
        guard !key.isEmpty else { throw LabsFormatError(line: number, reason: .emptyKey, text: line) }
        guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw LabsFormatError(line: number, reason: .malformedHeader, text: line)
        }
        return .entry(key: key, value: String(inner[inner.index(after: colon)...]))
    }

    /// The platform's answers hold a few HTML entities (`&nbsp;`, `&amp;`…): decoded for display and for what is stored
    /// from solutions, never in the document itself.
    package static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, character) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&amp;", "&")]
        {
            result = result.replacingOccurrences(of: entity, with: character)
        }
        return result
    }

    package static func write(_ document: LabsDocument) -> String {
        var lines: [String] = []
        if let title = document.title { lines.append("# " + title) }
        for line in document.header {
            switch line {
            case .entry(let key, let value): lines.append("[[\(key):\(value)]]")
            case .blank(let text): lines.append(text)
            }
        }
        for section in document.sections {
            if let heading = section.heading { lines.append("## " + heading) }
            for block in section.blocks {
                if let question = block.question { lines.append(">" + question) }
                lines.append(contentsOf: block.lines)
            }
        }
        return lines.joined(separator: "\n")
    }
}
