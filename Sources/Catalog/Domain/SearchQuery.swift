// SPDX-License-Identifier: MPL-2.0
import Foundation

/// What a person typed, as the index is asked: each term with the other ways of saying it (abbreviations, everyday
/// words, English), and a spelling correction where a term is in no indexed word. Both databases run the same query.
package struct SearchQuery: Sendable, Equatable {
    /// One term of the query: the words that may stand for it, each alternative a sequence of word prefixes that must
    /// all match (`cni` or `carte nationale identite`).
    package struct Term: Sendable, Equatable {
        /// The term as typed, folded (`naisance`).
        package let typed: String
        /// The term searched for: `typed`, or its correction (`naissance`).
        package let word: String
        package let alternatives: [[String]]

        package var corrected: Bool { word != typed }
    }

    package let terms: [Term]

    /// The query as searched when a term was corrected ("extrait naissance"), for "Did you mean …".
    package var correction: String? {
        guard terms.contains(where: \.corrected) else { return nil }
        return terms.map(\.word).joined(separator: " ")
    }

    /// What the index knows of a word: how many procedures hold it as a whole word (nil: none), whether it starts an
    /// indexed word, and the indexed word closest to it (other than itself) with its number of procedures.
    package struct Lookup {
        var documents: (String) -> Int?
        var isPrefix: (String) -> Bool
        var closest: (String) -> (word: String, documents: Int)?

        package static var none: Lookup { Lookup(documents: { _ in 1 }, isPrefix: { _ in true }, closest: { _ in nil }) }
    }

    /// A word found in so few procedures, beside a close word this many times more common, is taken for a typo that
    /// the sources themselves carry ("judicaire"): both are searched.
    static let rareWordRatio = 10

    package init(_ query: String, lookup: Lookup = .none) {
        terms = TextFolding.queryTerms(query).map { typed in
            let synonyms = SearchSynonyms.alternatives(typed)
            var word = typed
            var alternatives: [[String]] = []
            if synonyms.isEmpty {
                let documents = lookup.documents(typed)
                if documents == nil, !lookup.isPrefix(typed), let better = lookup.closest(typed) {
                    word = better.word
                } else if let documents, documents <= 2, let better = lookup.closest(typed),
                    better.documents >= max(5, documents * Self.rareWordRatio)
                {
                    word = better.word
                    alternatives.append([typed])
                }
            }
            alternatives.insert([word], at: 0)
            for alternative in synonyms where !alternatives.contains(alternative) { alternatives.append(alternative) }
            return Term(typed: typed, word: word, alternatives: alternatives)
        }
    }
}

/// Other ways people say what the catalogue writes: abbreviations used in the three countries, everyday words and
/// English words for French-only fiches. Keys and alternatives are folded and singular, as `TextFolding` leaves them.
package enum SearchSynonyms {
    static let table: [String: [String]] = [
        // Abbreviations and numbers people know by their initials.
        "cni": ["carte nationale identite", "carte identite"],
        "cnib": ["carte nationale identite"],
        "niu": ["numero identification unique", "identifiant unique"],
        "nif": ["numero identification fiscale"],
        "rccm": ["registre commerce", "registre du commerce"],
        "ninea": ["numero identification national entreprise"],
        "tf": ["titre foncier"],
        "cj": ["casier judiciaire"],
        "b3": ["casier judiciaire"],
        "bac": ["baccalaureat"],
        "cfe": ["formalite entreprise"],
        // Everyday words.
        "papier": ["piece", "document", "identite"],
        "extrait": ["copie", "acte"],
        "copie": ["extrait"],
        "bulletin": ["extrait", "casier"],
        "boulot": ["emploi", "travail"],
        "boutique": ["commerce"],
        "maison": ["construire", "logement", "habitation"],
        "terrain": ["foncier", "parcelle"],
        "voiture": ["vehicule", "automobile"],
        "moto": ["vehicule"],
        // English words, for fiches written in French only.
        "birth": ["naissance"],
        "born": ["naissance"],
        "certificate": ["certificat", "acte", "extrait"],
        "extract": ["extrait"],
        "marriage": ["mariage"],
        "wedding": ["mariage"],
        "death": ["deces"],
        "passport": ["passeport"],
        "identity": ["identite"],
        "id": ["identite"],
        "card": ["carte"],
        "criminal": ["casier", "judiciaire"],
        "record": ["casier", "registre"],
        "nationality": ["nationalite"],
        "citizenship": ["nationalite"],
        "company": ["entreprise", "societe"],
        "business": ["entreprise", "commerce"],
        "driving": ["permis conduire"],
        "driver": ["permis conduire"],
        "licence": ["permis", "licence"],
        "license": ["permis", "licence"],
        "building": ["construire", "construction"],
        "permit": ["permis", "autorisation"],
        "land": ["foncier", "terrain"],
        "tax": ["impot", "fiscal", "taxe"],
        "vehicle": ["vehicule"],
        "car": ["vehicule"],
        "registration": ["immatriculation", "inscription", "enregistrement"],
        "school": ["ecole", "scolaire"],
        "exam": ["examen"],
        "pension": ["pension", "retraite"],
        "retirement": ["retraite"],
        "health": ["sante"],
        "residence": ["residence", "sejour"],
        "job": ["emploi"],
        "work": ["travail", "emploi"],
    ]

    /// The other ways of saying `term` (each a sequence of words), or none.
    package static func alternatives(_ term: String) -> [[String]] {
        (table[term] ?? []).map { TextFolding.words($0).filter { !TextFolding.stopWords.contains($0) } }.filter { !$0.isEmpty }
    }
}

/// Edit distance with adjacent transpositions (a swapped pair is one edit), bounded: answers `limit + 1` as soon as
/// the distance is known to exceed `limit`.
package enum EditDistance {
    package static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let s = Array(a.utf8)
        let t = Array(b.utf8)
        if abs(s.count - t.count) > limit { return limit + 1 }
        if s.isEmpty || t.isEmpty { return max(s.count, t.count) }
        var before = [Int](repeating: 0, count: t.count + 1)
        var previous = Array(0...t.count)
        var current = [Int](repeating: 0, count: t.count + 1)
        for i in 1...s.count {
            current[0] = i
            var smallest = current[0]
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] { value = min(value, before[j - 2] + 1) }
                current[j] = value
                smallest = min(smallest, value)
            }
            if smallest > limit { return limit + 1 }
            (before, previous, current) = (previous, current, before)
        }
        return previous[t.count]
    }

    /// How many edits a typed word may carry: none under 4 letters (`cni` is not a typo of `cin`), one up to 7, two from 8.
    package static func allowance(_ word: String) -> Int {
        word.count >= 8 ? 2 : word.count >= 4 ? 1 : 0
    }
}
