// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation

/// Keeps personal data out of what Guichet stores from the Labs' solution records: the answers about the holder
/// (name, address, contact, CV, photos) are dropped whole, and in free text every paragraph that carries an e-mail,
/// a phone number or a "Promoteur : …"/"Contact : …" label goes, with the value paragraph that follows a bare label.
package enum PersonalData {
    /// Questions whose answers are about a person, folded.
    static let personalQuestions = [
        "name of the solution holder", "contact the solution holder", "the address", "who led", "who lead", "picture", "photo", "image",
        "upload", "email", "e mail", "phone", "telephone", "consent", "contact", "promoteur", "porteur", "nom ", "cv",
    ]

    /// First words of a paragraph about a person, folded.
    static let personalFirstWords: Set<String> = [
        "promoteur", "promotrice", "porteur", "porteuse", "contact", "tel", "telephone", "email", "mail", "whatsapp", "adresse", "address",
        "bp", "nom", "responsable", "fondateur", "fondatrice", "founder", "cv", "cel", "gsm", "prenom", "coordonnee", "inventor", "inventeur",
        "inventrice", "createur", "creatrice", "creator", "concepteur", "conceptrice",
    ]

    /// Words of a short label before a colon ("Nom du porteur :", "Team lead:") that announce a person, folded.
    static let personalLabels: Set<String> = personalFirstWords.union([
        "name", "holder", "led", "lead", "innovateur", "innovatrice", "innovator", "auteur", "personne", "phone", "mobile", "cell",
    ])

    static var email: Regex<Substring> { /[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}/ }
    /// Eight digits or more, possibly split by spaces, dots, dashes or slashes, optionally after "+" or "00".
    static var phone: Regex<(Substring, Substring?)> { /(\+|00)?\d[\d .\-\/]{6,}\d/ }
    static var image: Regex<Substring> { /!\[[^\]]*\]\([^)]*\)/ }

    /// A title or a "created by"-like phrase followed by capitalised words: the words are a person's name.
    static var namedPerson: Regex<(Substring, Substring, Substring, Substring)> {
        /\b(M\.|MM\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|[Mm]onsieur|[Mm]adame|[Mm]ademoiselle|Dr\.?|[Dd]octeur|Pr\.?|[Pp]rofesseur|[Pp]romoteur|[Pp]romotrice|[Pp]orteur|[Pp]orteuse|[Ff]ondateur|[Ff]ondatrice|[Ff]ounder|[Ii]nventeur|[Ii]nventor|led by|created by|founded by|initiated by|initiée? par|fondée? par|créée? par|développée? par|developed by)(\s+)((?:[A-ZÀ-ÖØ-Þ][\w’'\-]*\.?\s?){1,4})/
    }

    /// "M. Souley a mis au point…" → "M. […] a mis au point…": names after a title or "created by" are masked.
    package static func maskNames(_ text: String) -> String {
        text.replacing(namedPerson) { match in
            "\(match.output.1)\(match.output.2)[…]" + (match.output.3.last?.isWhitespace == true ? " " : "")
        }
    }

    package static func containsContact(_ text: String) -> Bool {
        !contacts(in: text).isEmpty
    }

    /// The e-mail addresses and phone numbers found in a text.
    package static func contacts(in text: String) -> [String] {
        text.matches(of: email).map { String($0.output) }
            + text.matches(of: phone).map { String($0.output.0) }.filter(isPhoneNumber)
    }

    /// Eight digits or more that are neither years ("2019-2020") nor amounts written in thousands ("15 000 000").
    static func isPhoneNumber(_ candidate: String) -> Bool {
        let groups = candidate.split { !$0.isNumber }.map(String.init)
        guard groups.joined().count >= 8 else { return false }
        if groups.allSatisfy({ $0.count == 4 && ($0.hasPrefix("19") || $0.hasPrefix("20")) }) { return false }
        let thousands =
            !candidate.hasPrefix("+") && (1...3).contains(groups[0].count) && groups.count > 1
            && groups.dropFirst().allSatisfy { $0.count == 3 }
        return !thousands
    }

    static func isPersonalQuestion(_ question: String) -> Bool {
        let folded = " " + TextFolding.words(question).joined(separator: " ") + " "
        return personalQuestions.contains { folded.contains(" \($0)") }
    }

    /// The label before the colon of a paragraph such as "Promoteur de la solution : X", folded; nil without a colon.
    static func label(_ paragraph: String) -> [String]? {
        guard let colon = paragraph.firstIndex(of: ":"), paragraph.distance(from: paragraph.startIndex, to: colon) <= 60 else { return nil }
        return TextFolding.words(String(paragraph[..<colon]))
    }

    static func startsWithPersonalLabel(_ paragraph: String) -> Bool {
        let words = TextFolding.words(paragraph)
        guard let first = words.first else { return false }
        if personalFirstWords.contains(first) { return true }
        if let label = label(paragraph), label.contains(where: { personalLabels.contains($0) }) { return true }
        return false
    }

    /// Paragraphs of free text without personal data.
    package static func scrub(_ paragraphs: [String]) -> [String] {
        var kept: [String] = []
        var dropNext = false
        for paragraph in paragraphs {
            let text = paragraph.replacing(image, with: "").trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            if dropNext {
                dropNext = false
                // The value under a bare label ("Promoteur de la solution :") is the person: it goes too.
                if text.count <= 200 || containsContact(text) { continue }
            }
            if startsWithPersonalLabel(text) {
                if text.hasSuffix(":") { dropNext = true }
                continue
            }
            if containsContact(text) { continue }
            kept.append(maskNames(text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")))
        }
        return kept
    }
}
