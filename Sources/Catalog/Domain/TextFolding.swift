// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Search text as both indexes see it: lower case, no accents, no punctuation, French and English plurals
/// reduced to the singular. The same folding is applied to what is indexed and to what a person types,
/// so `ACTE NAISSANCE`, `actes de naissance` and `Acte de Naissance` meet.
package enum TextFolding {
    static let stopWords: Set<String> = [
        "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "un", "une", "pour", "par", "sur", "mon", "ma",
        "mes", "son", "sa", "ses", "the", "of", "an", "to", "for", "and", "in", "on", "my", "how", "comment", "faire", "qu", "que",
    ]

    /// Words of a text, folded and singularised, stop words kept (they cost little in the index).
    package static func words(_ text: String) -> [String] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
        var words: [String] = []
        var current = ""
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar), scalar.isASCII {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(singular(current))
                current = ""
            }
        }
        if !current.isEmpty { words.append(singular(current)) }
        return words
    }

    /// Index text: the folded words joined by spaces.
    package static func indexText(_ parts: [String]) -> String {
        parts.flatMap(words).joined(separator: " ")
    }

    /// Query terms: folded, singular, without stop words (unless nothing else is left), at most 12.
    package static func queryTerms(_ query: String) -> [String] {
        let all = words(query)
        let meaningful = all.filter { !stopWords.contains($0) }
        var seen = Set<String>()
        return (meaningful.isEmpty ? all : meaningful).filter { seen.insert($0).inserted }.prefix(12).map { $0 }
    }

    static func singular(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy({ $0.isLetter }) else { return word }
        if word.hasSuffix("eaux") { return String(word.dropLast()) }
        if word.hasSuffix("aux") { return String(word.dropLast(3)) + "al" }
        if word.hasSuffix("s") || word.hasSuffix("x") { return String(word.dropLast()) }
        return word
    }
}
