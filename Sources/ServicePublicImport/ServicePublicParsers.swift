// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation

/// Parsers for the wording of servicepublic.gouv.sn fiches: amounts in FCFA, delays, legal references, document counts,
/// and the table from the portal's themes to Guichet's categories. They never guess: what they cannot read is left as text.
struct ServicePublicParsers {
    private static let numberWords: [String: Int] = [
        "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
        "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "trente": 30, "quarante": 40,
        "soixante": 60,
    ]
    private let amountPattern: NSRegularExpression
    private let rangePattern: NSRegularExpression
    private let percentPattern: NSRegularExpression
    private let durationRangePattern: NSRegularExpression
    private let durationPattern: NSRegularExpression
    private let articlePattern: NSRegularExpression
    private let instrumentPattern: NSRegularExpression
    private let articleOnlyPattern: NSRegularExpression
    private let spelledNumberPattern: NSRegularExpression

    init() {
        // 10 000 FCFA, 10.000 F CFA, 1 00 000 FCFA, 5000 F, 100.000 francs, 1 million de FCFA, 2,5 millions FCFA.
        let number = #"(\d{1,3}(?:[ \x{00A0}\x{202F}.](?:\d{3}|\d{2}(?=[ \x{00A0}\x{202F}.]\d{3})))+|\d+)(?:,(\d+))?"#
        let currency = #"\s*(millions?|milliards?)?\s*(?:de\s+)?\.?\s*(?:f\s?\.?\s?cfa|fcfa|francs?\s+cfa|francs?|xof|cfa|f)(?![\p{L}\d])"#
        amountPattern = Self.regex(#"(?<![\d.,\p{L}])"# + number + currency, [.caseInsensitive])
        rangePattern = Self.regex(
            #"(?<![\d.,\p{L}])"# + number + #"\s*(?:f\s?cfa|fcfa|francs?)?\s*(?:à|a|-|et)\s*"# + number + currency,
            [.caseInsensitive])
        // "10 %", and the lower bound of "entre 5 à 15 %".
        percentPattern = Self.regex(
            #"(?:(\d+(?:[.,]\d+)?)\s*%?\s*(?:à|a|-|et)\s*\d+(?:[.,]\d+)?\s*%|(\d+(?:[.,]\d+)?)\s*%)"#, [])
        // Delays are matched on folded text (lower case, no accents).
        let word =
            #"(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt(?:[- ]et[- ]un|[- ](?:deux|trois|quatre|cinq|six|sept|huit|neuf))?|trente|quarante(?:[- ](?:cinq|huit))?|soixante(?:[- ]douze)?|quatre[- ]vingt[- ]dix)(?:\s*\(\d+\))?"#
        let unit = #"(heures?|h|jours?|journees?|semaines?|mois|ans|an|annees?|minutes?|mn)(?![a-z])"#
        durationRangePattern = Self.regex(
            #"(?<![a-z\d])("# + word + #")\s*(?:"# + unit + #"\s*)?(?:a|-|et|ou)\s*("# + word + #")\s*"# + unit, [])
        durationPattern = Self.regex(#"(?<![a-z\d])("# + word + #")\s*"# + unit, [])
        // "article 47 du code de la famille", "les articles 305 à 334 du code de la famille", "l'article 29, alinéa 2 du code…".
        let articleNumber = #"(?:[LRD]\.?\s?)?\d+(?:er)?(?:[- ](?:bis|ter))?"#
        articlePattern = Self.regex(
            #"\barticles?\s+("# + articleNumber + #"(?:(?:\s*,\s*|\s+et\s+|\s+à\s+|\s+a\s+|\s*-\s*)"# + articleNumber
                + #")*(?:\s+et\s+suivants)?(?:\s*,?\s*alinéas?\s+\d+(?:\s*(?:,|et)\s*\d+)*)?)\s*,?\s*(?:du|de la|de l['’]|des|de)?\s*((?:nouveau\s+)?(?:code|loi|décret|acte uniforme|ordonnance|arrêté|constitution|traité|(?-i:CGI|COCC|CGCT|CPC|CPP))\b(?:(?!\s+et\s+(?:l['’]|les\s+|de\s+l['’])?articles?\b)[^.;:()\n])*)"#,
            [.caseInsensitive])
        articleOnlyPattern = Self.regex(
            #"\(?\s*\barticles?\s*("# + articleNumber + #"(?:(?:\s*,\s*|\s+et\s+|\s+à\s+|\s+a\s+|\s*-\s*)"# + articleNumber
                + #")*(?:\s+et\s+suivants)?)\s*\)?"#, [.caseInsensitive])
        // "(Dix) 10 à (Quinze) 15 jours": the number in words is dropped, the figure kept.
        spelledNumberPattern = Self.regex(#"\([a-z -]+\)\s*(?=\d)"#, [])
        // "Loi n° 2011-01 du 24 février 2011", "Décret n°2004 -283 du 05 mars 2004", "loi 61-10".
        instrumentPattern = Self.regex(
            #"\b(lois?|décrets?|decrets?|arrêtés?|arretes?|ordonnances?)(?:\s+(?:organique|interministériel|ministériel|présidentiel|d['’]application))?\s*(?:n\s?[°º]\.?|no\.?|numéro)?\s*(\d{2,4}\s*[-–]\s*\d+(?:\s*[-–/]\s*(?-i:[A-Z0-9]+))?)(?:[- ]*du\s+\d{1,2}(?:er)?(?:[ -]+[a-zéû]+[ -]+\d{4}|[-./]\d{1,2}[-./]\d{2,4}))?"#,
            [.caseInsensitive])
    }

    /// Compiles one of the patterns above.
    private static func regex(_ pattern: String, _ options: NSRegularExpression.Options) -> NSRegularExpression {
        // trap-safe: the patterns are constants of this file, all compiled by every ServicePublicParsers() in the tests
        try! NSRegularExpression(pattern: pattern, options: options)
    }

    // MARK: - Costs

    /// Every amount of a line, in order: "Un timbre fiscal de 1 000 FCFA" → [1000].
    func amounts(in text: String) -> [Double] {
        matches(amountPattern, text).compactMap { amount(from: $0, in: text, numberGroup: 1, decimalGroup: 2, multiplierGroup: 3) }
    }

    /// The amount a cost line states: its first amount, or the lower bound when it opens with a range ("de 1 500 à 10 000 FCFA",
    /// "entre 1 000 et 5 000 FCFA", "50 000 FCFA à 300 000 FCFA").
    func amount(in text: String) -> Double? {
        let first = matches(amountPattern, text).first
        if let range = matches(rangePattern, text).first, range.range.location <= (first?.range.location ?? Int.max),
            let low = rangeLow(range, in: text)
        {
            return low
        }
        return first.flatMap { amount(from: $0, in: text, numberGroup: 1, decimalGroup: 2, multiplierGroup: 3) }
    }

    private func rangeLow(_ match: NSTextCheckingResult, in text: String) -> Double? {
        guard let high = amount(from: match, in: text, numberGroup: 3, decimalGroup: 4, multiplierGroup: 5),
            let lowNumber = group(match, 1, in: text)
        else { return nil }
        var low = parseNumber(lowNumber, decimals: group(match, 2, in: text))
        if let multiplier = group(match, 5, in: text)?.lowercased(), low < 1000 {
            low *= multiplier.hasPrefix("milliard") ? 1_000_000_000 : 1_000_000
        }
        // "master 2 et 1 000 000 FCFA" is not a range.
        return low <= high && low >= 10 ? low : nil
    }

    private func amount(
        from match: NSTextCheckingResult, in text: String, numberGroup: Int, decimalGroup: Int, multiplierGroup: Int
    ) -> Double? {
        guard let number = group(match, numberGroup, in: text) else { return nil }
        var value = parseNumber(number, decimals: group(match, decimalGroup, in: text))
        if let multiplier = group(match, multiplierGroup, in: text)?.lowercased() {
            value *= multiplier.hasPrefix("milliard") ? 1_000_000_000 : 1_000_000
        } else if group(match, decimalGroup, in: text) != nil {
            return nil  // "2,5 FCFA" is not an amount this dataset uses
        }
        return value
    }

    private func parseNumber(_ number: String, decimals: String?) -> Double {
        let digits = number.filter { $0.isASCII && $0.isNumber }
        var value = Double(digits) ?? 0
        if let decimals, let fraction = Double("0." + decimals) { value += fraction }
        return value
    }

    /// The costs of a "Quel est le coût ?" section, and its notes ("NB : …") which are not costs.
    ///
    /// One cost per line: an amount (kind `amount`, XOF), a percentage, "gratuit" (`free`), or else the wording (`unknown`). A line
    /// ending with a colon ("Frais fixes :") or an enumerated title ("A - Permis de prise de vue") is not a cost but the context of
    /// the lines below it, kept in their labels. A section without any amount, percentage or "gratuit" is one `unknown` cost.
    func costs(from lines: [SPLine]) -> (costs: [Cost], notes: [String]) {
        let (all, notes) = lines.splitNotes()
        let items = all.filter { !isLinkOnly($0.text) }
        guard !items.isEmpty else { return ([], notes) }
        let readable = items.contains { line in amount(in: line.text) != nil || percentage(in: line.text) != nil || isFree(line.text) }
        if !readable {
            let text = items.map(\.text).joined(separator: "\n")
            return ([Cost(kind: .unknown, text: LocalizedText(fr: text))], notes)
        }
        var costs: [Cost] = []
        var heading: String?
        let lineAmounts = items.map { amount(in: $0.text) }
        for (index, line) in items.enumerated() {
            let text = line.text
            // "Le coût total est de 4 600 FCFA :" above its breakdown is a total, not one more cost: it ends with a colon, or the
            // amounts of the lines below it add up to it.
            if let total = lineAmounts[index], index + 1 < items.count, lineAmounts[index + 1] != nil {
                let following = lineAmounts[(index + 1)...].prefix { $0 != nil }.compactMap { $0 }
                if text.hasSuffix(":") || (following.count >= 2 && following.reduce(0, +) == total) {
                    heading = nil
                    continue
                }
            }
            let enumerated = Self.isEnumerated(line.raw) || Self.isEnumerated(text)
            if enumerated { heading = nil }
            let label = heading.map { "\($0) : \(text)" } ?? text
            if let parts = amountParts(text) {
                // "Dépôt simple : 50 000 FCFA pour la taxe de dépôt, 30 000 FCFA pour la taxe de publication et 20 000 FCFA pour …"
                let context = [heading, parts.context].compactMap { $0 }.joined(separator: " : ")
                for (part, value) in parts.parts {
                    let partLabel = context.isEmpty ? part : "\(context) : \(part)"
                    costs.append(
                        Cost(
                            kind: .amount, label: LocalizedText(fr: partLabel), amount: value, currency: "XOF",
                            text: LocalizedText(fr: text)))
                }
            } else if let amount = amount(in: text) {
                costs.append(
                    Cost(kind: .amount, label: LocalizedText(fr: label), amount: amount, currency: "XOF", text: LocalizedText(fr: text)))
            } else if let (value, parameter) = percentage(in: text) {
                costs.append(
                    Cost(
                        kind: .percentage, label: LocalizedText(fr: label), percentage: value, parameter: LocalizedText(fr: parameter),
                        text: LocalizedText(fr: text)))
            } else if isFree(text) {
                costs.append(Cost(kind: .free, label: heading.map { LocalizedText(fr: $0) }, text: LocalizedText(fr: text)))
            } else if text.hasSuffix(":") || enumerated || Self.endsWithPreposition(text)
                || (text.hasPrefix("Pour ") && text.count < 80 && index + 1 < items.count && lineAmounts[index + 1] != nil)
            {
                heading = text.spTrimmed(" :")
            } else {
                costs.append(Cost(kind: .unknown, label: heading.map { LocalizedText(fr: $0) }, text: LocalizedText(fr: text)))
            }
        }
        return (costs, notes)
    }

    /// A line stating several amounts for several things, cut into one part per amount: the parts are separated by commas,
    /// semicolons or "et", and each holds exactly one amount. Nil when the line does not cut that way ("20 000 FCFA pour les
    /// SARL dont le capital est inférieur à 500 000 FCFA" is one cost with a condition).
    func amountParts(_ text: String) -> (context: String?, parts: [(String, Double)])? {
        let all = amounts(in: text)
        guard Set(all).count >= 2, rangeMatchCount(text) == 0 else { return nil }
        var context: String?
        var body = text
        if let colon = text.firstIndex(of: ":"), amounts(in: String(text[..<colon])).isEmpty {
            context = SPText.nonEmpty(String(text[..<colon]))
            body = String(text[text.index(after: colon)...]).spTrimmed()
        }
        // Pieces, each with the separator that followed it (kept when a piece without an amount is joined back).
        var pieces: [(text: String, separator: String)] = []
        var current = ""
        for word in body.split(separator: " ", omittingEmptySubsequences: true) {
            if word == "et" || word == "ou" {
                pieces.append((current, " \(word) "))
                current = ""
                continue
            }
            current += (current.isEmpty ? "" : " ") + word
            if let last = word.last, last == "," || last == ";" {
                pieces.append((String(current.dropLast()), "\(last) "))
                current = ""
            }
        }
        pieces.append((current, ""))
        // A piece without an amount belongs to the piece before it ("…, étudiants marocains bénéficiant d'une bourse").
        var parts: [(String, Double)] = []
        var separator = ""
        for (piece, next) in pieces {
            let text = piece.spTrimmed(" ,;.")
            defer { separator = next }
            guard !text.isEmpty else { continue }
            let found = Set(amounts(in: text))
            if found.count > 1 { return nil }
            if let value = found.first {
                parts.append((text, value))
            } else if let last = parts.popLast() {
                parts.append((last.0 + separator + text, last.1))
            } else {
                return nil
            }
        }
        guard parts.count >= 2 else { return nil }
        return (context, parts)
    }

    private func rangeMatchCount(_ text: String) -> Int { matches(rangePattern, text).filter { rangeLow($0, in: text) != nil }.count }

    /// "A - …", "B. …", "1. …", "2) …": an enumerated line.
    static func isEnumerated(_ raw: String) -> Bool {
        let scalars = Array(raw.spTrimmed().unicodeScalars.prefix(5))
        guard let first = scalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first) else { return false }
        // "a) …" but not "à …" or "y …": a lower-case letter only before a closing parenthesis.
        if first.properties.isLowercase { return scalars.count > 2 && scalars[1] == ")" && scalars[2] == " " }
        var index = 1
        while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
        while index < scalars.count, scalars[index] == " " { index += 1 }
        guard index < scalars.count, [".", ")", "-", "–", "/"].contains(scalars[index]) else { return false }
        return index + 1 < scalars.count && scalars[index + 1] == " " || index + 1 == scalars.count
    }

    /// "Les frais notariés sont de": a line that goes on below.
    private static func endsWithPreposition(_ text: String) -> Bool {
        [" de", " à", " a", " du", " des", " suivants", " suit"].contains { text.hasSuffix($0) }
    }

    /// "Un taux d'intérêt de 10%" → (10, "Un taux d'intérêt de 10%"); "1% de la valeur du logement" → (1, "la valeur du logement").
    func percentage(in text: String) -> (Double, String)? {
        guard let match = matches(percentPattern, text).first, let number = group(match, 1, in: text) ?? group(match, 2, in: text),
            let value = Double(number.replacingOccurrences(of: ",", with: ".")), let range = Range(match.range, in: text)
        else { return nil }
        var parameter = text[range.upperBound...].spTrimmed()
        for (prefix, replacement) in [("de ", ""), ("d'", ""), ("d’", ""), ("du ", "le "), ("des ", "les "), ("sur ", "")]
        where parameter.lowercased().hasPrefix(prefix) {
            parameter = replacement + parameter.dropFirst(prefix.count)
            break
        }
        parameter = parameter.spTrimmed(" .;,")
        return (value, parameter.count >= 3 ? parameter : text)
    }

    func isFree(_ text: String) -> Bool {
        let folded = SPText.fold(text)
        if SPText.has(folded, "gratuit") { return true }
        let bare = folded.spTrimmed(" .;!")
        return ["aucun", "aucun frais", "neant", "sans frais", "pas de frais", "aucun cout", "rien"].contains(bare)
            || folded.hasPrefix("aucun frais") || folded.hasPrefix("pas de frais") || folded.hasPrefix("sans frais")
    }

    private func isLinkOnly(_ text: String) -> Bool {
        let trimmed = text.spTrimmed()
        return trimmed.hasPrefix("http") && !trimmed.contains(" ")
    }

    // MARK: - Delays

    /// Days from a delay's wording: "48 heures" → 2...2, "15 à 30 jours" → 15...30, "Immédiat" → 0...0; nil when not stated.
    /// Every delay of the lines counts (the shortest and the longest), except notes and validity periods.
    func days(in lines: [String]) -> MinMax? {
        var low: Int?
        var high: Int?
        func add(_ a: Int, _ b: Int) {
            low = Swift.min(low ?? a, a)
            high = Swift.max(high ?? b, b)
        }
        for line in lines {
            var folded = SPText.fold(line)
            if SPText.has(folded, "(") {
                folded = spelledNumberPattern.stringByReplacingMatches(
                    in: folded, options: [], range: NSRange(folded.startIndex..., in: folded), withTemplate: "")
            }
            if folded.hasPrefix("nb") || folded.hasPrefix("n.b") { continue }
            if SPText.has(folded, "valable") || SPText.has(folded, "validite") || SPText.has(folded, "pour une duree")
                || SPText.has(folded, "fcfa")
            {
                continue
            }
            for words in [
                "immediat", "seance tenante", "sur le champ", "sur-le-champ", "tout de suite", "dans la journee", "le meme jour",
                "sans delai", "le jour meme", "instantane", "des reception", "des paiement", "des le depot", "aussitot", "sur place",
            ]
            where folded.contains(words) {
                add(0, 0)
                break
            }
            if SPText.has(folded, "dans le mois") { add(0, 30) }
            if SPText.has(folded, "dans la semaine") { add(0, 7) }
            for match in matches(durationRangePattern, folded) {
                guard let first = group(match, 1, in: folded), let second = group(match, 3, in: folded),
                    let unit = group(match, 4, in: folded),
                    let a = number(first), let b = number(second)
                else { continue }
                let firstUnit = group(match, 2, in: folded) ?? unit
                let from = toDays(a, firstUnit)
                let to = toDays(b, unit)
                if from <= to {
                    add(from, to)
                    if let range = Range(match.range, in: folded) {
                        folded.replaceSubrange(range, with: String(repeating: " ", count: folded[range].count))
                    }
                }
            }
            for match in matches(durationPattern, folded) {
                guard let first = group(match, 1, in: folded), let unit = group(match, 2, in: folded), let value = number(first) else {
                    continue
                }
                if unit == "h", value > 72 { continue }
                let days = toDays(value, unit)
                add(days, days)
            }
        }
        guard let low, let high else { return nil }
        return MinMax(min: low, max: high)
    }

    private func number(_ word: String) -> Int? {
        var text = word
        if let open = text.firstIndex(of: "("), let close = text.firstIndex(of: ")"), open < close {
            if let value = Int(text[text.index(after: open)..<close].spTrimmed()) { return value }
            text = String(text[..<open])
        }
        text = text.spTrimmed().replacingOccurrences(of: "-", with: " ")
        if let value = Int(text) { return value }
        let units = Self.numberWords
        if text == "quatre vingt dix" { return 90 }
        var total = 0
        for part in text.split(separator: " ") where part != "et" {
            guard let value = units[String(part)] else { return nil }
            total += value
        }
        return total > 0 ? total : nil
    }

    private func toDays(_ value: Int, _ unit: String) -> Int {
        switch unit {
        case "h", "heure", "heures": return (value + 23) / 24
        case "minute", "minutes", "mn": return 0
        case "semaine", "semaines": return value * 7
        case "mois": return value * 30
        case "an", "ans", "annee", "annees": return value * 365
        default: return value
        }
    }

    // MARK: - Legal bases

    /// Legal references in a line: "Voir article 47 du code de la famille" → (Code de la famille, 47); "Loi n° 2011-01 du
    /// 24 février 2011 portant Code des Télécommunications" (a line that starts with the text) → the whole line; "instituée par
    /// la loi n°95-11 du 7 avril 1995" (inside a sentence) → "Loi n°95-11 du 7 avril 1995".
    /// `referenceLine`: the line is a reference by its place (a "Textes de référence" list, a "### Code …" heading).
    func legalBases(in line: String, referenceLine: Bool = false) -> [LegalBasis] {
        let text = line.spTrimmed(" -–·•*")
        guard !text.isEmpty else { return [] }
        // Most lines name no text: a cheap look for the words before folding.
        guard
            referenceLine
                || SPText.hasAny(
                    text,
                    [
                        "oi", "OI", "écret", "ÉCRET", "ecret", "ECRET", "rrêt", "RRÊT", "rret", "RRET", "rdonnance", "RDONNANCE",
                        "rticle", "RTICLE", "ode", "ODE", "cte uniforme", "CTE UNIFORME", "CGI", "COCC",
                    ])
        else { return [] }
        let folded = SPText.fold(text)
        guard
            referenceLine
                || SPText.hasAny(folded, ["loi", "decret", "arrete", "ordonnance", "article", "code", "acte uniforme", "cgi", "cocc"])
        else { return [] }
        let isCode = folded.hasPrefix("code ") || folded.hasPrefix("acte uniforme")
        if isCode, referenceLine || text.count < 140 {
            // "Code général des Impôts, modifiée (articles 523 à 549)", "Code du Travail article L. 220", "Code procédure civile".
            if let match = matches(articleOnlyPattern, text).first, let article = group(match, 1, in: text),
                let range = Range(match.range, in: text)
            {
                var name = String(text[..<range.lowerBound]) + " " + String(text[range.upperBound...])
                name = name.replacingOccurrences(of: "()", with: "").replacingOccurrences(of: "( )", with: "")
                name = trimEnd(name).spTrimmed(" ,.;:(")
                if name.count >= 4 { return [basis(name, article: cleanArticle(article))] }
            }
            return [basis(trimEnd(text))]
        }
        let startsWithInstrument = [
            "loi ", "loi n", "lois ", "decret", "arrete ", "arrete n", "ordonnance n", "directive", "reglement ",
            "traite", "constitution", "convention", "decision n",
        ].contains { folded.hasPrefix($0) }
        if startsWithInstrument, referenceLine || (text.count < 260 && !matches(instrumentPattern, text).isEmpty) {
            return [basis(trimEnd(text))]
        }
        if referenceLine, !folded.hasPrefix("voir"), matches(articlePattern, text).isEmpty {
            return text.count >= 6 && text.count < 300 ? [basis(trimEnd(text))] : []
        }
        var bases: [LegalBasis] = []
        var covered: [Range<String.Index>] = []
        for match in matches(articlePattern, text) {
            guard let article = group(match, 1, in: text), let raw = group(match, 2, in: text), let range = Range(match.range, in: text)
            else {
                continue
            }
            let name = codeName(raw)
            guard name.count >= 3 else { continue }
            covered.append(range)
            bases.append(basis(name, article: cleanArticle(article)))
        }
        for match in matches(instrumentPattern, text) {
            guard let range = Range(match.range, in: text), !covered.contains(where: { $0.overlaps(range) }) else { continue }
            bases.append(basis(SPText.collapse(String(text[range]))))
        }
        return bases
    }

    private func basis(_ name: String, article: String? = nil) -> LegalBasis {
        LegalBasis(text: LocalizedText(fr: SPText.capitalizedFirst(name)), article: article)
    }

    /// "code des obligations civiles et commerciales et l'article 8 …" → "code des obligations civiles et commerciales";
    /// "Code minier est adressée …" → "Code minier".
    private func codeName(_ raw: String) -> String {
        var words: [Substring] = []
        let stops: Set<String> = [
            "est", "sont", "a", "ont", "qui", "que", "pour", "dans", "en", "lorsque", "si", "doit", "doivent", "peut", "peuvent", "prevoit",
            "dispose", "fixe", "precise", "stipule", "ou", "au", "aux", "l'article", "l’article", "article", "articles", "modifie",
            "modifiee", "modifiant", "par",
        ]
        let all = raw.split(separator: " ")
        for (index, word) in all.enumerated() {
            let folded = SPText.fold(String(word))
            if stops.contains(folded) && !(folded == "le" && index == 0) { break }
            if folded == "et" {
                // "civiles et commerciales" goes on; "et l'article 8 du code du travail" is another reference.
                let next = index + 1 < all.count ? SPText.fold(String(all[index + 1])) : ""
                if next.hasPrefix("l'") || next.hasPrefix("les") || next.hasPrefix("article") || next.hasPrefix("de")
                    || next.hasPrefix("son")
                    || next.hasPrefix("ses") || next.hasPrefix("du") || next.hasPrefix("la") || next.isEmpty
                {
                    break
                }
            }
            words.append(word)
            if word.hasSuffix(",") || words.count >= 16 { break }
        }
        return trimEnd(words.joined(separator: " "))
    }

    private func cleanArticle(_ article: String) -> String {
        SPText.collapse(article).spTrimmed(" ,")
    }

    private func trimEnd(_ text: String) -> String {
        SPText.collapse(text).spTrimmed(" .;,:")
    }

    // MARK: - Requirements

    /// One document of a "Quels sont les documents à fournir ?" list, with the number of originals, copies and certified copies
    /// its wording states ("Une copie légalisée …" → 1 certified copy; "2 photos d'identité" → 2 originals).
    func requirement(_ text: String, notes: String?) -> Requirement {
        let folded = SPText.fold(text)
        let words = folded.split(whereSeparator: { $0 == " " || $0 == "'" }).map(String.init)
        var index = 0
        var count: Int?
        let articles: Set<String> = ["un", "une", "le", "la", "les", "l", "des", "d", "du", "sa", "son", "ses", "leur", "leurs"]
        while index < words.count, index < 3 {
            let word = words[index].spTrimmed("(),:")
            if let value = number(word), !["un", "une"].contains(word) || count == nil, value <= 100,
                !(words.dropFirst(index + 1).first.map { $0.hasPrefix("f") || $0 == "000" } ?? false)
            {
                if count == nil { count = value }
                index += 1
                continue
            }
            if ["un", "une"].contains(word) {
                index += 1
                continue
            }
            if word.hasPrefix("("), Int(word.spTrimmed("()")) != nil {
                index += 1
                continue
            }
            if articles.contains(word) {
                index += 1
                continue
            }
            break
        }
        let head = index < words.count ? words[index] : ""
        let following = words.dropFirst(index + 1).prefix(6)
        var requirement = Requirement(name: LocalizedText(fr: text), notes: notes.map { LocalizedText(fr: $0) })
        if head.hasPrefix("copie") || head.hasPrefix("photocopie") || head.hasPrefix("duplicata") || head.hasPrefix("ampliation") {
            let certified = following.contains { word in
                word.hasPrefix("certifie") || word.hasPrefix("legalise") || word.hasPrefix("conforme") || word.hasPrefix("authentifie")
            }
            if certified { requirement.certifiedCopies = count ?? 1 } else { requirement.copies = count ?? 1 }
        } else {
            var originals = count ?? 1
            if let exemplaires = copiesCount(folded) { originals = exemplaires }
            requirement.originals = originals
        }
        return requirement
    }

    /// "… en 3 exemplaires", "… en trois (03) exemplaires".
    private func copiesCount(_ folded: String) -> Int? {
        guard SPText.has(folded, "exemplaires"), let range = folded.range(of: "exemplaires") else { return nil }
        let before = folded[..<range.lowerBound].split(separator: " ").suffix(3).map(String.init)
        // "en 3 exemplaires", "en trois (03) exemplaires", "en 7exemplaires".
        guard let en = before.lastIndex(of: "en") else {
            if let last = before.last, last.hasPrefix("en"), let value = Int(last.dropFirst(2)) { return value }
            return nil
        }
        for word in before[(en + 1)...] {
            if let value = number(word), value > 1, value <= 100 { return value }
        }
        return nil
    }

    // MARK: - Regex helpers

    private func matches(_ pattern: NSRegularExpression, _ text: String) -> [NSTextCheckingResult] {
        pattern.matches(in: text, options: [], range: NSRange(text.startIndex..., in: text))
    }

    private func group(_ match: NSTextCheckingResult, _ index: Int, in text: String) -> String? {
        guard index < match.numberOfRanges else { return nil }
        let range = match.range(at: index)
        guard range.location != NSNotFound, let swiftRange = Range(range, in: text) else { return nil }
        return String(text[swiftRange])
    }
}

/// The portal's theme folders, as Guichet categories. Sub-theme first, then the theme's own category where it has one.
enum ServicePublicCategories {
    static let order = [
        "naissance", "identite", "voyage", "justice", "famille", "entreprise", "foncier", "education", "sante", "transport", "travail",
        "fiscalite", "etrangers", "associations", "culture",
    ]

    /// Theme → category added after the sub-theme's (nil: the theme is too broad, the sub-theme decides).
    static let themes: [String: String?] = [
        "particuliers/argent": "fiscalite",
        "particuliers/citoyennete-justice-et-securite": nil,
        "particuliers/culture-et-communication": "culture",
        "particuliers/education-et-formation": "education",
        "particuliers/emploi-et-travail": "travail",
        "particuliers/famille-etapes-de-la-vie-et-vie-sociale": "famille",
        "particuliers/habitat-et-logement": "foncier",
        "particuliers/papiers": nil,
        "particuliers/vie-associative": "associations",
        "professionnels/activites-de-lentreprise": "entreprise",
        "professionnels/questions-juridiques-administratives-et-fiscales": "entreprise",
        "professionnels/ressources-humaines": "travail",
        "professionnels/secteurs-dactivites": "entreprise",
        "professionnels/vie-associative": "associations",
        "professionnels/vie-de-lentreprise": "entreprise",
    ]

    /// Sub-theme (any theme) → categories.
    static let subThemes: [String: [String]] = [
        // particuliers/argent
        "assurances-achats-abonnements-et-factures": ["fiscalite"],
        "banque-credit-et-epargne": ["fiscalite"],
        "heritage-heredite-et-tutelle": ["famille"],
        "impots-taxes-et-douanes": ["fiscalite"],
        // particuliers/citoyennete-justice-et-securite, particuliers/papiers
        "armes-et-chasse": ["justice"],
        "arrestation-et-emprisonnement": ["justice"],
        "contentieux": ["justice"],
        "documents-judiciaires": ["justice"],
        "documents-militaires": ["identite"],
        "documents-medicaux": ["sante"],
        "droits-de-la-femme": ["famille"],
        "elections-et-carte-delecteur": ["identite"],
        "entree-sejour-et-travail-des-etrangers": ["etrangers"],
        "etat-civil": ["naissance"],
        "hygiene-publique-et-securite-alimentaire": ["sante"],
        "nationalite-et-identite": ["identite"],
        "securite-assistance-et-urgences": ["justice"],
        "service-civique-et-service-militaire": ["identite"],
        "volontariat-vacatariat-stage-et-benevolat": ["travail"],
        "voyages-et-sejours-a-letranger": ["voyage"],
        "examens-concours-et-diplomes": ["education"],
        "justificatifs-de-domicile": ["identite"],
        "legalisation-authentification-certification-conforme-et-enregistrement": ["identite"],
        "permis-de-conduire-et-papiers-des-vehicules": ["transport"],
        // particuliers/culture-et-communication
        "arts-decorations-et-expositions": ["culture"],
        "cinema-audiovisuel-et-photographies": ["culture"],
        "communication-presse-et-edition": ["culture"],
        "livres-lecture-et-bibliotheques": ["culture"],
        "musees-archeologie-et-archives": ["culture"],
        "patrimoine-architecture-et-monuments": ["culture"],
        "theatre-danse-et-musique": ["culture"],
        // particuliers/education-et-formation
        "bourses-et-aides": ["education"],
        "enseignement-moyen-et-secondaire": ["education"],
        "enseignement-prescolaire-et-primaire": ["education"],
        "enseignement-prive-et-en-langue-arabe": ["education"],
        "enseignement-superieur": ["education"],
        "enseignement-technique-et-professionnel": ["education"],
        "etudes-a-letranger": ["education"],
        "formation-continue": ["education"],
        "scolarite-des-malades-et-des-handicapes": ["education", "sante"],
        // particuliers/emploi-et-travail
        "administration": ["travail"],
        "droit-des-salaries-dans-lentreprise": ["travail"],
        "recherche-demploi": ["travail"],
        "sante-hygiene-et-securite-du-travail": ["travail", "sante"],
        "travail-a-letranger": ["travail"],
        // particuliers/famille-etapes-de-la-vie-et-vie-sociale
        "deces": ["famille"],
        "droits-de-lenfant": ["famille"],
        "droits-et-devoirs-des-parents": ["famille"],
        "emancipation-et-majorite": ["famille"],
        "mariage-divorce-et-vie-commune": ["famille"],
        "maternite-et-naissance": ["naissance"],
        "orphelins-et-adoption": ["famille"],
        // particuliers/habitat-et-logement
        "bruit-pollution-et-risques-naturels": ["foncier"],
        "construction-modification-et-demolition": ["foncier"],
        "demenagement-et-installation": ["foncier"],
        "location-achat-et-occupation-dun-bien-immobilier": ["foncier"],
        "questions-foncieres": ["foncier"],
        // vie-associative
        "creation-declaration-et-dissolution": ["associations"],
        "fondations": ["associations"],
        "organisations-non-gouvernementales-ong": ["associations"],
        "organisations-professionnelles": ["associations"],
        "partis-politiques": ["associations"],
        "reconnaissance-fonctionnement-et-responsabilites": ["associations"],
        // professionnels/activites-de-lentreprise
        "concurrence": ["entreprise"],
        "exportations-importations-transit-et-droits-de-douane": ["entreprise", "fiscalite"],
        "investissement-au-senegal": ["entreprise"],
        "marches-publics": ["entreprise"],
        "normalisation-qualite-agrements-autorisations-et-licences": ["entreprise"],
        "transports-et-logistique": ["transport", "entreprise"],
        // professionnels/questions-juridiques-administratives-et-fiscales
        "aides-diverses-et-allegements-de-charges": ["entreprise"],
        "autres-formalites": ["entreprise"],
        "gestion-comptabilite-et-finances": ["entreprise", "fiscalite"],
        "impots-sur-les-societes": ["fiscalite"],
        "litiges-contentieux-et-dettes": ["justice"],
        "taxe-sur-les-vehicules-et-autres-taxes-professionnelles": ["fiscalite"],
        "taxes-foncieres-immobilieres-et-rurales": ["fiscalite", "foncier"],
        "tva-et-taxes-assimilees": ["fiscalite"],
        // professionnels/ressources-humaines
        "formation": ["travail", "education"],
        "horaires-conges-sante-securite-et-reglementation-du-travail": ["travail"],
        "licenciement": ["travail"],
        "protection-sociale-des-employes": ["travail"],
        "recrutement": ["travail"],
        "remuneration": ["travail"],
        "retraite": ["travail"],
        "syndicats-representation-du-personnel-et-droit-de-greve": ["travail"],
        // professionnels/secteurs-dactivites
        "agriculture-et-elevage": ["entreprise"],
        "banque-assurances-et-micro-finance": ["entreprise"],
        "commerce": ["entreprise"],
        "eau-et-energie": ["entreprise"],
        "environnement-assainissement-et-protection-de-la-nature": ["entreprise"],
        "mines-et-industrie": ["entreprise"],
        "peche-et-economie-maritime": ["entreprise"],
        "pme-et-pmi": ["entreprise"],
        "telecommunications-informatique-et-technologie": ["entreprise"],
        "tourisme-et-artisanat": ["entreprise"],
        // professionnels/vie-de-lentreprise
        "immobilier": ["foncier", "entreprise"],
        "innovation-et-propriete-intellectuelle": ["entreprise"],
        "installation-creation-et-cession": ["entreprise"],
        "prevention-des-risques-et-assurances": ["entreprise"],
        "transmission-et-cessation-dactivite": ["entreprise"],
        "travailleurs-independants-et-professions-liberales": ["entreprise", "travail"],
    ]

    /// Sub-themes whose category depends on the theme ("autres" everywhere; a few names shared by several themes).
    static let themeSpecific: [String: [String]] = [
        "particuliers/argent/autres": ["fiscalite"],
        "particuliers/culture-et-communication/autres": ["culture"],
        "particuliers/education-et-formation/autres": ["education"],
        "particuliers/emploi-et-travail/autres": ["travail"],
        "particuliers/emploi-et-travail/entree-sejour-et-travail-des-etrangers": ["etrangers", "travail"],
        "particuliers/emploi-et-travail/formation-continue": ["travail", "education"],
        "particuliers/emploi-et-travail/service-civique-et-service-militaire": ["travail", "identite"],
        "particuliers/habitat-et-logement/autres": ["foncier"],
        "particuliers/habitat-et-logement/justificatifs-de-domicile": ["foncier", "identite"],
        "particuliers/papiers/autres": ["identite"],
        "professionnels/activites-de-lentreprise/autres": ["entreprise"],
        "professionnels/ressources-humaines/autres": ["travail"],
        "professionnels/vie-de-lentreprise/autres": ["entreprise"],
        "professionnels/vie-de-lentreprise/litiges-contentieux-et-dettes": ["justice", "entreprise"],
        "professionnels/questions-juridiques-administratives-et-fiscales/litiges-contentieux-et-dettes": ["justice", "entreprise"],
    ]

    /// Categories of one fiche file: `path` is "particuliers/papiers/etat-civil/declarer-une-naissance.md".
    static func categories(path: String, title: String) -> [String] {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2 else { return [] }
        let theme = parts[0] + "/" + parts[1]
        var found: [String] = []
        if parts.count >= 4 {
            let sub = parts[2]
            found += themeSpecific[theme + "/" + sub] ?? subThemes[sub] ?? []
        }
        if let category = themes[theme] ?? nil { found.append(category) }
        let folded = SPText.fold(title)
        if found.contains("naissance") || found.contains("identite") || found.contains("justice") {
            let familyWords = [
                "mariage", "divorce", "deces", "veuv", "filiation", "paternite", "adoption", "reconnaissance d'enfant",
                "curatelle", "tutelle", "heredite", "succession", "separation de corps", "non-remariage", "remariage", "coutume",
                "vie collectif",
            ]
            if familyWords.contains(where: { folded.contains($0) }) { found.append("famille") }
        }
        if SPText.has(folded, "passeport") || SPText.has(folded, "visa") || SPText.has(folded, "laissez-passer") { found.append("voyage") }
        var unique: [String] = []
        for category in found where !unique.contains(category) { unique.append(category) }
        return unique
    }
}
