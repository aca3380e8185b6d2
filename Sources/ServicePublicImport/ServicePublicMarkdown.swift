// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation

// Reading the Markdown of servicepublic.gouv.sn (Senegal Ouvert's copy): cleaning inline Markdown, cutting a fiche into its
// recurring questions, and reading an office file. Foundation only; no Regex literals (slow in debug builds).

/// Text helpers shared by the servicepublic.gouv.sn importer.
enum SPText {
    /// Lower case, no accents, straight apostrophes, single spaces: for recognising wording, never for output.
    /// Works on UTF-8 bytes (Latin-1 letters, typographic quotes and dashes are mapped; other characters are kept).
    static func fold(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var lastWasSpace = true
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                // ASCII: lower case; "`" as an apostrophe.
                if byte < 0x80 {
                    index += 1
                    if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                        if !lastWasSpace { out.append(0x20) }
                        lastWasSpace = true
                    } else {
                        out.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte == 0x60 ? 0x27 : byte)
                        lastWasSpace = false
                    }
                    continue
                }
                // Other characters: a replacement of up to three bytes (`length` 0: dropped; `space`: white space).
                var first: UInt8 = byte
                var second: UInt8 = 0
                var third: UInt8 = 0
                var length = 1
                var consumed = 1
                var space = false
                if byte == 0xC3, index + 1 < count {  // Latin-1 letters: upper and lower case differ by 0x20
                    consumed = 2
                    switch bytes[index + 1] | 0x20 {
                    case 0xA0...0xA5: first = 0x61  // à â ä
                    case 0xA6: (first, second, length) = (0x61, 0x65, 2)  // æ
                    case 0xA7: first = 0x63  // ç
                    case 0xA8...0xAB: first = 0x65  // é è ê ë
                    case 0xAC...0xAF: first = 0x69  // î ï
                    case 0xB1: first = 0x6E  // ñ
                    case 0xB2...0xB6, 0xB8: first = 0x6F  // ô ö
                    case 0xB9...0xBC: first = 0x75  // ù û ü
                    case 0xBD, 0xBF: first = 0x79  // ý ÿ
                    default: (second, length) = (bytes[index + 1], 2)
                    }
                } else if byte == 0xC2, index + 1 < count {
                    consumed = 2
                    switch bytes[index + 1] {
                    case 0xA0: space = true  // no-break space
                    case 0xB4: first = 0x27  // acute accent typed as an apostrophe
                    case 0xAD: length = 0  // soft hyphen
                    default: (second, length) = (bytes[index + 1], 2)
                    }
                } else if byte == 0xC5, index + 1 < count, bytes[index + 1] == 0x93 || bytes[index + 1] == 0x92 {  // œ Œ
                    (first, second, length, consumed) = (0x6F, 0x65, 2, 2)
                } else if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80 {
                    consumed = 3
                    switch bytes[index + 2] {
                    case 0x98, 0x99: first = 0x27  // ‘ ’
                    case 0x91, 0x93, 0x94: first = 0x2D  // ‑ – —
                    case 0xA6: (first, second, third, length) = (0x2E, 0x2E, 0x2E, 3)  // …
                    case 0xAF, 0x87, 0x89: space = true  // narrow no-break, figure and thin spaces
                    case 0x8B, 0x8E, 0x8F: length = 0  // zero-width space, direction marks
                    default: (second, third, length) = (bytes[index + 1], bytes[index + 2], 3)
                    }
                } else if byte == 0xEF, index + 2 < count, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF {  // byte order mark
                    (length, consumed) = (0, 3)
                }
                index += consumed
                if space {
                    if !lastWasSpace { out.append(0x20) }
                    lastWasSpace = true
                } else if length > 0 {
                    out.append(first)
                    if length > 1 { out.append(second) }
                    if length > 2 { out.append(third) }
                    lastWasSpace = false
                }
            }
            if out.last == 0x20 { out.removeLast() }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Whether `text` contains `needle` (byte comparison: fold both first for a loose match).
    static func has(_ text: String, _ needle: String) -> Bool {
        text.withCString { hay in needle.withCString { pin in strstr(hay, pin) != nil } }
    }

    /// Whether `text` contains any of `needles`.
    static func hasAny(_ text: String, _ needles: [String]) -> Bool {
        needles.contains { has(text, $0) }
    }

    /// Collapses every run of white space (including no-break spaces) into one space and trims.
    static func collapse(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            collapseBytes(bytes, 0, bytes.count, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// White space of the length it has at `index` (0 when none): ASCII blanks, no-break, narrow and thin spaces.
    @inline(__always) private static func spaceLength(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int) -> Int {
        let byte = bytes[index]
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { return 1 }
        if byte == 0xC2, index + 1 < end, bytes[index + 1] == 0xA0 { return 2 }
        if byte == 0xE2, index + 2 < end, bytes[index + 1] == 0x80, [0xAF, 0x87, 0x89].contains(bytes[index + 2]) { return 3 }
        if byte == 0xE3, index + 2 < end, bytes[index + 1] == 0x80, bytes[index + 2] == 0x80 { return 3 }
        return 0
    }

    /// Invisible characters to drop: zero-width space, direction marks, byte order mark, soft hyphen.
    @inline(__always) private static func invisibleLength(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int) -> Int {
        let byte = bytes[index]
        if byte == 0xC2, index + 1 < end, bytes[index + 1] == 0xAD { return 2 }
        if byte == 0xE2, index + 2 < end, bytes[index + 1] == 0x80, [0x8B, 0x8E, 0x8F].contains(bytes[index + 2]) { return 3 }
        if byte == 0xEF, index + 2 < end, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF { return 3 }
        return 0
    }

    private static func collapseBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, into out: inout [UInt8]) {
        var pendingSpace = false
        var index = from
        while index < to {
            let byte = bytes[index]
            if byte >= 0x80 || byte <= 0x20 {
                let spaces = spaceLength(bytes, index, to)
                if spaces > 0 {
                    pendingSpace = !out.isEmpty
                    index += spaces
                    continue
                }
                let invisible = invisibleLength(bytes, index, to)
                if invisible > 0 {
                    index += invisible
                    continue
                }
            }
            if pendingSpace, !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            out.append(byte)
            index += 1
        }
    }

    /// Strips inline Markdown from one line: links become their text, emphasis and escapes go, white space is collapsed.
    /// Markdown's marks are all ASCII, so this works on UTF-8 bytes.
    static func clean(_ raw: String) -> String {
        var raw = raw
        return raw.withUTF8 { bytes -> String in
            var stripped: [UInt8] = []
            stripped.reserveCapacity(bytes.count)
            cleanBytes(bytes, 0, bytes.count, into: &stripped)
            var out: [UInt8] = []
            out.reserveCapacity(stripped.count)
            stripped.withUnsafeBufferPointer { collapseBytes($0, 0, $0.count, into: &out) }
            var start = 0
            while start < out.count, out[start] == 0x23 || out[start] == 0x20 { start += 1 }  // "### Voir article …"
            if start > 0 { out.removeFirst(start) }
            if out.allSatisfy({ $0 == 0x2D || $0 == 0x3D || $0 == 0x5F || $0 == 0x20 }) { return "" }
            let text = String(decoding: out, as: UTF8.self)
            return text == "·" || text == "•" ? "" : text
        }
    }

    @inline(__always) private static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }

    @inline(__always) private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func cleanBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, into out: inout [UInt8]) {
        var index = from
        while index < to {
            let byte = bytes[index]
            switch byte {
            case 0x5C:  // "\-": an escaped character
                if index + 1 < to, isASCIIPunctuation(bytes[index + 1]) {
                    out.append(bytes[index + 1])
                    index += 2
                    continue
                }
            case 0x21, 0x5B:  // "![…](…)" image, "[text](target)" link
                let open = byte == 0x21 ? index + 1 : index
                if open < to, bytes[open] == 0x5B, let close = matchingBracket(bytes, from: open, to: to) {
                    var next = close + 1
                    if next < to, bytes[next] == 0x28 {
                        var end = next + 1
                        while end < to, bytes[end] != 0x29 { end += 1 }
                        if end < to { next = end + 1 }
                    }
                    if byte == 0x5B { cleanBytes(bytes, open + 1, close, into: &out) }
                    index = next
                    continue
                }
                if byte == 0x5B {  // an unmatched bracket: a link whose text runs over two lines
                    index += 1
                    continue
                }
            case 0x5D:  // the end of such a link: drop its target
                if index + 1 < to, bytes[index + 1] == 0x28 {
                    var end = index + 2
                    while end < to, bytes[end] != 0x29 { end += 1 }
                    if end < to {
                        index = end + 1
                        continue
                    }
                }
            case 0x2A:  // emphasis
                index += 1
                continue
            case 0x5F:  // "_emphasis_", but not snake_case
                let inWord = index > from && index + 1 < to && isWordByte(bytes[index - 1]) && isWordByte(bytes[index + 1])
                if !inWord {
                    index += 1
                    continue
                }
            default:
                break
            }
            out.append(byte)
            index += 1
        }
    }

    private static func matchingBracket(_ bytes: UnsafeBufferPointer<UInt8>, from open: Int, to: Int) -> Int? {
        var depth = 0
        var index = open
        while index < to {
            if bytes[index] == 0x5B { depth += 1 }
            if bytes[index] == 0x5D {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }

    /// The lines of a file, split at line breaks and at long runs of spaces (two items typed on one line). HTML comments (a word
    /// processor's style sheet pasted into one fiche) are dropped.
    static func rawLines(_ text: String) -> [String] {
        var text = text
        while SPText.has(text, "<!--"), let start = text.range(of: "<!--") {
            let end = text.range(of: "-->", range: start.upperBound..<text.endIndex)?.upperBound ?? text.endIndex
            text.removeSubrange(start.lowerBound..<end)
        }
        var lines: [String] = []
        for part in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            var line = String(decoding: part, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            lines.append(contentsOf: splitAtSpaceRuns(line))
        }
        return lines
    }

    private static func splitAtSpaceRuns(_ line: String) -> [String] {
        guard SPText.has(line, "      ") || SPText.has(line, "\u{00A0}\u{00A0}\u{00A0}") else { return [line] }
        var parts: [String] = []
        var current = ""
        var spaces = 0
        for char in line {
            if char == " " || char == "\u{00A0}" {
                spaces += 1
                continue
            }
            if spaces >= 6, !current.spTrimmed().isEmpty {
                parts.append(current)
                current = ""
            } else if spaces > 0 {
                current += String(repeating: " ", count: spaces)
            }
            spaces = 0
            current.append(char)
        }
        parts.append(current)
        return parts
    }

    /// "sn-sp-" + a file name, kept under the catalogue's 120-character limit for ids (a short hash keeps long ones unique).
    static func identifier(_ name: String) -> String {
        let isSlug =
            !name.isEmpty && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
            && !name.hasPrefix("-") && !name.hasSuffix("-") && !name.contains("--")
        let name = isSlug ? name : slug(name)
        let id = "sn-sp-" + name
        guard id.count > 120 else { return id }
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let suffix = String(hash, radix: 16)
        let padded = String(repeating: "0", count: max(0, 8 - suffix.count)) + suffix
        var prefix = String(id.prefix(120 - 9))
        if let dash = prefix.lastIndex(of: "-"), prefix.distance(from: prefix.startIndex, to: dash) > 40 {
            prefix = String(prefix[..<dash])
        }
        while prefix.hasSuffix("-") { prefix.removeLast() }
        return prefix + "-" + padded
    }

    /// A slug in the style of the dataset's file names: "Ministère de l'Intérieur (MINT)" → "ministere-de-linterieur-mint".
    static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        for scalar in fold(text).unicodeScalars {
            if scalar == "'" { continue }
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                if dash, !out.isEmpty { out.append("-") }
                dash = false
                out.unicodeScalars.append(scalar)
            } else {
                dash = true
            }
        }
        return out
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.spTrimmed()
        return trimmed.isEmpty ? nil : trimmed
    }

    static func localized(_ text: String?) -> LocalizedText? {
        nonEmpty(text).map { LocalizedText(fr: $0) }
    }

    static func capitalizedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }
}

/// One line of a fiche, cleaned.
struct SPLine: Equatable {
    var text: String
    var bullet: Bool
    var raw: String

    /// "NB : …", "N.B. …", "Nota : …": a note rather than an item.
    var isNote: Bool {
        let scalars = Array(text.unicodeScalars.prefix(5))
        guard scalars.count >= 2, scalars[0] == "N" || scalars[0] == "n" else { return false }
        if scalars[1] == "B" || scalars[1] == "b" {
            return scalars.count == 2 || !scalars[2].properties.isAlphabetic
        }
        if scalars[1] == ".", scalars.count > 2, scalars[2] == "B" || scalars[2] == "b" { return true }
        return text.hasPrefix("Nota ") || text.hasPrefix("NOTA ")
    }
}

extension Array where Element == SPLine {
    /// The items of a section and its notes: "NB : …" lines, and the lines that continue a note (a note ending with a colon is
    /// followed by its list; a line starting in lower case or with a comma continues the note above).
    func splitNotes() -> (items: [SPLine], notes: [String]) {
        var items: [SPLine] = []
        var notes: [String] = []
        var noteList = false
        var lastWasNote = false
        for line in self {
            if line.isNote {
                notes.append(line.text)
                noteList = line.text.hasSuffix(":")
                lastWasNote = true
                continue
            }
            let first = line.text.unicodeScalars.first
            let continues = lastWasNote && (first.map { $0.properties.isLowercase || $0 == "," || $0 == ";" } ?? false)
            if (noteList && line.bullet) || continues {
                notes.append(line.text)
                continue
            }
            noteList = false
            lastWasNote = false
            items.append(line)
        }
        return (items, notes)
    }
}

enum SPSectionKind: String, CaseIterable {
    case eligibility, documents, cost, delay, result, office, action, when, loss, renewal, recourse, moreInfo, legal, services, online,
        other
}

struct SPSection {
    var kind: SPSectionKind
    var title: String
    var lines: [SPLine]
}

/// A fiche cut into its introduction and its questions.
struct SPFiche {
    var title: String
    var intro: [SPLine] = []
    var sections: [SPSection] = []
    /// Office file names (without .md) linked under "Les services à contacter", in order.
    var contactLinks: [String] = []
    /// Office file names linked anywhere else in the fiche.
    var otherLinks: [String] = []
    var online = false
    var urls: [String] = []
    var legalLines: [SPLine] = []

    func sections(_ kind: SPSectionKind) -> [SPSection] { sections.filter { $0.kind == kind } }

    static func parse(_ text: String) -> SPFiche? {
        let rawLines = SPText.rawLines(text)
        guard let titleIndex = rawLines.firstIndex(where: { $0.spTrimmed().hasPrefix("# ") }) else { return nil }
        let title = SPText.clean(rawLines[titleIndex])
        guard !title.isEmpty else { return nil }
        var fiche = SPFiche(title: title)
        var current: SPSection?
        for raw in rawLines[(titleIndex + 1)...] {
            fiche.collectLinks(raw, inContacts: current?.kind == .services)
            let (line, heading) = SPFiche.read(raw)
            if let heading {
                if let section = current { fiche.sections.append(section) }
                if heading.kind == .online { fiche.online = true }
                current = heading
                if let line { current?.lines.append(line) }
                continue
            }
            guard let line else { continue }
            if SPFiche.isLegalHeadline(raw, line) { fiche.legalLines.append(line) }
            if current == nil {
                fiche.intro.append(line)
            } else {
                current?.lines.append(line)
            }
        }
        if let section = current { fiche.sections.append(section) }
        return fiche
    }

    /// "### Voir article 51 du code de la Famille", "### Code procédure civile": legal references typed as headings.
    private static func isLegalHeadline(_ raw: String, _ line: SPLine) -> Bool {
        let trimmed = raw.spTrimmed()
        guard trimmed.hasPrefix("#") || trimmed.hasPrefix("**") else { return false }
        let folded = SPText.fold(line.text)
        return folded.hasPrefix("voir ") || folded.hasPrefix("code ") || folded.hasPrefix("article")
    }

    private mutating func collectLinks(_ raw: String, inContacts: Bool) {
        if SPText.has(raw, "http") {
            for url in SPFiche.urls(in: SPText.clean(raw)) where !urls.contains(url) { urls.append(url) }
        }
        guard SPText.has(raw, "](") else { return }
        var search = raw[...]
        while let range = search.range(of: "](") {
            let rest = search[range.upperBound...]
            guard let end = rest.firstIndex(of: ")") else { break }
            let target = String(rest[..<end])
            if let servicesRange = target.range(of: "services/"), target.hasSuffix(".md") {
                let name = String(target[servicesRange.upperBound...].dropLast(3))
                if !name.isEmpty, !name.contains("/") {
                    if inContacts {
                        if !contactLinks.contains(name) { contactLinks.append(name) }
                    } else if !otherLinks.contains(name) {
                        otherLinks.append(name)
                    }
                }
            }
            search = rest[end...]
        }
    }

    static func urls(in text: String) -> [String] {
        var found: [String] = []
        var search = text[...]
        while let start = search.range(of: "http") {
            let rest = search[start.lowerBound...]
            let end =
                rest.firstIndex(where: { $0 == " " || $0 == ")" || $0 == "]" || $0 == "," || $0 == ";" || $0 == "\"" }) ?? rest.endIndex
            var url = String(rest[..<end])
            while let last = url.last, last == "." || last == ":" { url.removeLast() }
            if url.hasPrefix("http://") || url.hasPrefix("https://"), let parsed = URL(string: url), parsed.host != nil,
                !(parsed.host ?? "").contains("web.archive.org")
            {
                found.append(url)
            }
            search = rest[end...]
        }
        return found
    }

    /// Reads one raw line: the cleaned line, or a heading that opens a section (with any text typed after it on the same line).
    static func read(_ raw: String) -> (SPLine?, SPSection?) {
        var body = raw.spTrimmed()
        guard let first = body.unicodeScalars.first else { return (nil, nil) }
        var bullet = false
        let markers = first.isASCII && !"*-+\\".unicodeScalars.contains(first) ? [] : Self.bulletMarkers
        if !markers.isEmpty, !first.isASCII { body = SPText.collapse(body) }  // "ü\u{A0} Décret …"
        for marker in markers where body.hasPrefix(marker) {
            if marker == "\\-", body.dropFirst(2).first?.isNumber ?? false { break }
            body = String(body.dropFirst(marker.count)).spTrimmed()
            bullet = true
            break
        }
        if !bullet, let numbered = SPFiche.dropNumbering(body) {
            body = numbered
            bullet = true
        }
        // "**Quel est le coût ?** 5 000 FCFA": a bold question followed by its answer.
        if body.hasPrefix("**"), let close = body.dropFirst(2).range(of: "**") {
            let inner = SPText.clean(String(body[body.index(body.startIndex, offsetBy: 2)..<close.lowerBound]))
            let after = SPText.clean(String(body[close.upperBound...]))
            if !after.isEmpty, inner.hasSuffix("?"), let kind = classify(inner, emphasized: true) {
                let rest = SPLine(text: after, bullet: false, raw: raw)
                return (rest, SPSection(kind: kind, title: inner, lines: []))
            }
        }
        let text = SPText.clean(body)
        guard !text.isEmpty, text != "·", text != "-" else { return (nil, nil) }
        let emphasized = body.hasPrefix("**") || body.hasPrefix("#") || body.hasPrefix("__") || body.hasSuffix("**")
        if !bullet || emphasized, text.utf8.count <= 300, let kind = classify(text, emphasized: emphasized) {
            return (nil, SPSection(kind: kind, title: text, lines: []))
        }
        return (SPLine(text: text, bullet: bullet, raw: raw), nil)
    }

    private static let bulletMarkers = [
        "* ", "*\t", "- ", "+ ", "\\- ", "\\-", "\\* ", "• ", "·", "•", "– ", "− ", "Ü ", "ü ", "Ø ", "ø ", "§ ", "▪ ", "► ", "■ ", "● ",
        "➢ ",
        "✓ ",
    ]

    /// "1. ", "2) ", "15.  ": a numbered item.
    private static func dropNumbering(_ body: String) -> String? {
        var digits = 0
        var index = body.startIndex
        while index < body.endIndex, body[index].isASCII, body[index].isNumber, digits < 3 {
            digits += 1
            index = body.index(after: index)
        }
        guard digits > 0, index < body.endIndex, body[index] == "." || body[index] == ")" else { return nil }
        let after = body.index(after: index)
        guard after < body.endIndex, body[after] == " " || body[after] == "\t" || body[after] == "\u{00A0}" else { return nil }
        let rest = body[after...].spTrimmed()
        guard let first = rest.first, first.isLetter || first == "[" || first == "*" else { return nil }
        return rest
    }

    private static let questionWords = [
        "qui ", "qu'", "que ", "quel", "quand", "ou ", "comment", "combien", "pourquoi", "a qui", "a quel", "aupres de qui", "est-ce",
        "y a-t-il", "peut-on", "faut-il", "doit-on", "dans quel", "pour qui", "en quoi", "quoi", "a quoi", "a combien", "quelle", "quant ",
    ]

    /// What kind of section a line opens, if it is a heading.
    static func classify(_ text: String, emphasized: Bool) -> SPSectionKind? {
        // Most lines are answers: a question mark, emphasis or a question word is needed to be a heading.
        if !emphasized, !text.hasSuffix("?"), !text.hasSuffix("? "), let first = text.unicodeScalars.first,
            !"QqOoCcPpTtLlFfAaDdEeYy".unicodeScalars.contains(first)
        {
            return nil
        }
        var folded = SPText.fold(text)
        guard folded.count <= 140 else { return nil }
        // "1. Qui peut faire la demande ?", "1- Qui peut faire cette démarche ?"
        if let first = folded.unicodeScalars.first, ("0"..."9").contains(first) {
            let rest = folded.drop(while: { $0.isNumber }).drop(while: { $0 == "." || $0 == "-" || $0 == ")" || $0 == " " })
            if rest.count < folded.count - 1 { folded = String(rest) }
        }
        if folded.hasPrefix("les services a contacter") { return .services }
        if folded.hasPrefix("faire la demarche en ligne") { return .online }
        if folded.hasPrefix("pour en savoir plus") { return folded.count < 40 ? .moreInfo : nil }
        if folded.hasPrefix("texte"), SPText.has(folded, "reference"), folded.count < 40 { return .legal }
        if emphasized, folded.hasPrefix("duree "), folded.count < 40, !folded.hasSuffix(":") { return .other }
        let isQuestion = folded.hasSuffix("?")
        while let last = folded.last, last == "?" || last == ":" || last == "." || last == " " || last == "*" { folded.removeLast() }
        let startsWithQuestionWord = questionWords.contains { folded.hasPrefix($0) }
        guard startsWithQuestionWord || (isQuestion && emphasized) else { return nil }
        let kind = sectionKind(folded)
        if isQuestion { return kind ?? .other }
        // Headings typed without their question mark: only the well-known ones, short and on their own line.
        guard let kind, folded.count < 70, !text.hasSuffix(".") else { return nil }
        if text.hasSuffix(":"), !emphasized { return nil }
        return kind
    }

    private static func sectionKind(_ folded: String) -> SPSectionKind? {
        func has(_ words: String...) -> Bool { SPText.hasAny(folded, words) }
        if ["qui peut", "qui doit", "qui est ", "qui sont", "qui a droit", "qui peuvent", "qui beneficie", "qui est concerne"]
            .contains(where: { folded.hasPrefix($0) }), !has("notifi", "delivre", "signe", "instruit", "statue")
        {
            return .eligibility
        }
        if folded.hasPrefix("quand") || folded.hasPrefix("quant ") || folded.hasPrefix("a quel moment")
            || folded.hasPrefix("a partir de quand")
        {
            return has("delai") ? .delay : .when
        }
        if folded.hasPrefix("a qui") { return has("adresser") ? .office : .eligibility }
        if has(
            "documents", "pieces a fournir", "pieces a presenter", "pieces a produire", "dossier a fournir", "composition du dossier",
            "pieces exigees", "pieces constitutives", "constitution du dossier", "dossier de candidature")
        {
            return .documents
        }
        if has("delai", "combien de temps", "duree de la procedure", "duree de traitement", "duree du traitement") { return .delay }
        if has(
            "conditions a remplir", "conditions d'inscription", "conditions d'acces", "conditions d'admission", "conditions requises",
            "conditions d'eligibilite", "criteres d'eligibilite", "qui s'adresse")
        {
            return .eligibility
        }
        if has("cout", "combien", "frais", "tarif", "montant", "prix") { return .cost }
        if has(
            "piece delivree", "pieces delivrees", "nature de la piece", "intitule de la piece", "nature des pieces", "document delivre",
            "acte delivre", "piece obtenue")
        {
            return .result
        }
        if has(
            "ou s'adresser", "ou s' adresser", "ou faire la demarche", "ou deposer", "ou s'inscrire", "ou retirer", "ou effectuer",
            "ou faire la demande", "aupres de qui", "ou se renseigner", "ou se rendre", "ou obtenir")
            || folded == "ou s'adresser" || folded == "ou" || folded.hasPrefix("ou faire")
        {
            return .office
        }
        if has("rejet", "refus", "recours", "contester la decision", "contestation") { return .recourse }
        if has("renouvel") { return .renewal }
        if has("perte", " vol") { return .loss }
        if folded.hasPrefix("qui "), !has("notifi", "delivre", "signe", "instruit", "statue") { return .eligibility }
        if folded.hasPrefix("comment") || has("etapes a suivre", "comment proceder", "deroulement de la procedure") { return .action }
        return nil
    }
}

/// An office of data/services, read.
struct SPOffice {
    var name: String
    var acronym: String?
    /// Organisations above it, nearest first (the ministry last).
    var hierarchy: [String] = []
    var address: String?
    var phone: String?
    var email: String?
    var website: String?
    var hoursNote: String?

    private static let personTitles = [
        "directeur", "directrice", "secretaire", "president", "ministre", "dage", "pca", "sg", "dg", "recteur", "coordonnat", "docteur",
        "chef", "administrat", "conservat", "doyen", "commandant", "payeur", "vice", "gouverneur", "maire", "adjoint", "pcs", "responsable",
        "inspecteur", "procureur", "premier president", "batonnier", "delegue", "commissaire", "agent comptable", "haut commissaire",
        "controleur", "tresorier", "receveur", "charge de", "conseiller", "colonel", "general", "capitaine", "commandement", "officier",
        "proviseur", "censeur", "intendant", "preset", "prefet", "sous-prefet", "president directeur",
    ]

    /// "Directeur : Name", "Secrétaire général : Name": a head's name, which the import leaves out.
    static func isPersonLine(_ text: String) -> Bool {
        let folded = SPText.fold(text)
        guard let colon = folded.firstIndex(of: ":") else { return false }
        let label = folded[..<colon].spTrimmed()
        guard label.count <= 45, !SPText.has(label, "tel"), !SPText.has(label, "fax"), !SPText.has(label, "mail"),
            !SPText.has(label, "site")
        else {
            return false
        }
        return personTitles.contains { label.hasPrefix($0) }
    }

    static func parse(_ text: String, fileName: String) -> SPOffice? {
        let rawLines = SPText.rawLines(text)
        guard let titleIndex = rawLines.firstIndex(where: { $0.spTrimmed().hasPrefix("# ") }) else { return nil }
        var title = SPText.clean(rawLines[titleIndex])
        guard !title.isEmpty else { return nil }
        var acronym: String?
        if let (name, found) = splitAcronym(title) {
            title = name
            acronym = found
        } else {
            // The file name ends with the acronym the portal showed: "direction-de-lelevage-de" for "Direction de l'Elevage".
            let base = SPText.slug(title)
            if fileName.hasPrefix(base + "-") {
                let suffix = fileName.dropFirst(base.count + 1)
                if (2...10).contains(suffix.count), !suffix.contains("-") { acronym = suffix.uppercased() }
            }
        }
        var office = SPOffice(name: title, acronym: acronym)
        let lines = Array(rawLines[(titleIndex + 1)...])
        var index = 0
        // The organisations above the office: the lines right under the title, up to the first blank line or rule.
        while index < lines.count, lines[index].spTrimmed().isEmpty { index += 1 }
        while index < lines.count {
            let raw = lines[index].spTrimmed()
            if raw.isEmpty || raw.hasPrefix("**") || raw.hasPrefix("---") || raw.hasPrefix("===") { break }
            let line = SPText.clean(raw)
            let folded = SPText.fold(line)
            if line.count > 160 || SPText.has(folded, "tel") || isPersonLine(line) || SPText.has(line, "@") || folded.hasPrefix("region") {
                break
            }
            if !line.isEmpty { office.hierarchy.append(line) }
            index += 1
        }
        // Sections: "**Adresse**" underlined with dashes, then its lines.
        var section: String?
        var sections: [String: [String]] = [:]
        var hours: [String] = []
        var inHours = false
        for raw in lines[index...] {
            let trimmed = raw.spTrimmed()
            let line = SPText.clean(trimmed)
            if line.isEmpty {
                inHours = false
                continue
            }
            let folded = SPText.fold(line)
            if trimmed.hasPrefix("**"),
                ["adresse", "telephone", "telecopie", "site web", "adresse electronique", "e-mail", "email", "horaires"]
                    .contains(where: { folded == $0 || folded == $0 + " :" })
            {
                section = folded.hasSuffix(" :") ? String(folded.dropLast(2)) : folded
                continue
            }
            if isPersonLine(line) {
                section = nil
                continue
            }
            if SPText.has(folded, "horaire") || folded.hasPrefix("ouvert") || SPText.has(folded, "heures d'ouverture")
                || (inHours && isDayLine(folded))
            {
                hours.append(line)
                inHours = true
                continue
            }
            if trimmed.hasPrefix("**") { section = nil }  // "**Région de Dakar**": a list of branches, not the office's own details
            if let section { sections[section, default: []].append(line) }
        }
        office.address = SPText.nonEmpty(
            sections["adresse"]?.map { line in
                SPText.fold(line).hasPrefix("adresse :") ? String(line.drop(while: { $0 != ":" }).dropFirst()).spTrimmed() : line
            }.joined(separator: ", "))
        office.phone = firstPhone(sections["telephone"] ?? [])
        office.email = firstEmail((sections["adresse electronique"] ?? []) + (sections["e-mail"] ?? []) + (sections["email"] ?? []))
        office.website = firstWebsite(sections["site web"] ?? [])
        office.hoursNote = SPText.nonEmpty(
            hours.enumerated().map { index, line in index == 0 ? line : (hours[index - 1].hasSuffix(":") ? " " : " ; ") + line }.joined())
        if office.hoursNote == nil, let note = sections["horaires"]?.joined(separator: " ; ") { office.hoursNote = SPText.nonEmpty(note) }
        return office
    }

    private static func isDayLine(_ folded: String) -> Bool {
        ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"].contains { folded.hasPrefix($0) }
    }

    /// "Centre national d'état civil (CNEC)" → ("Centre national d'état civil", "CNEC"); "Ministère … ()" → name only.
    static func splitAcronym(_ text: String) -> (String, String?)? {
        let trimmed = text.spTrimmed()
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return nil }
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)].spTrimmed()
        let name = trimmed[..<open].spTrimmed()
        guard !name.isEmpty else { return nil }
        if inner.isEmpty { return (name, nil) }
        let letters = inner.filter { $0.isLetter }
        guard inner.count <= 14, !inner.contains(" "), letters.count >= 2, letters.filter({ $0.isUppercase }).count * 2 >= letters.count
        else {
            return nil
        }
        return (name, inner)
    }

    static func firstPhone(_ lines: [String]) -> String? {
        for line in lines {
            for chunk in line.split(whereSeparator: { $0 == "/" || $0 == ";" || $0 == "," }) {
                var candidate = String(chunk)
                if let colon = candidate.lastIndex(of: ":") { candidate = String(candidate[candidate.index(after: colon)...]) }
                candidate = candidate.spTrimmed()
                let digits = candidate.filter { $0.isASCII && $0.isNumber }
                guard digits.count >= 6,
                    candidate.allSatisfy({
                        ($0.isASCII && $0.isNumber) || $0 == " " || $0 == "(" || $0 == ")" || $0 == "+" || $0 == "." || $0 == "-"
                    })
                else { continue }
                return SPText.collapse(candidate)
            }
        }
        return nil
    }

    static func firstEmail(_ lines: [String]) -> String? {
        for line in lines {
            for word in line.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == ";" || $0 == "," }) {
                var candidate = word.spTrimmed(".:()<>[]")
                if let colon = candidate.lastIndex(of: ":") { candidate = String(candidate[candidate.index(after: colon)...]) }
                let parts = candidate.split(separator: "@")
                if parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasSuffix(".") { return candidate }
            }
        }
        return nil
    }

    static func firstWebsite(_ lines: [String]) -> String? {
        for line in lines {
            for word in line.split(separator: " ") {
                var candidate = String(word).spTrimmed("()<>[],;")
                if candidate.lowercased().hasPrefix("www.") { candidate = "http://" + candidate }
                guard candidate.hasPrefix("http://") || candidate.hasPrefix("https://"), let url = URL(string: candidate),
                    let host = url.host, host.contains(".")
                else { continue }
                return candidate
            }
        }
        return nil
    }
}

extension StringProtocol {
    /// Trimmed of white space (default) or of the given characters; faster than Foundation's trimming in debug builds.
    func spTrimmed(_ characters: String = " \t\n\r\u{00A0}\u{202F}") -> String {
        let text = String(self)
        let set = Array(characters.unicodeScalars)
        let view = text.unicodeScalars
        var start = view.startIndex
        var end = view.endIndex
        while start < end, set.contains(view[start]) { start = view.index(after: start) }
        while end > start {
            let before = view.index(before: end)
            guard set.contains(view[before]) else { break }
            end = before
        }
        if start == view.startIndex, end == view.endIndex { return text }
        return String(view[start..<end])
    }
}
