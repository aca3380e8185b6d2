// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

/// A solutions database as CSV (columns in the README): each row becomes a `Solution` or is rejected with its reasons.
/// Columns that identify a person are dropped with a warning and never read.
package enum SolutionCSV {
    package enum Column: String, CaseIterable, Sendable {
        case id, name
        case descriptionFr = "description_fr"
        case descriptionEn = "description_en"
        case owners, countries, places
        case thematicAreas = "thematic_areas"
        case sdgs, maturity, channels
        case openSource = "open_source"
        case digitalPublicGood = "digital_public_good"
        case links, sectors, procedures, year
    }

    /// Header names as people write them (folded, `_` for spaces), French and English.
    static let aliases: [String: Column] = [
        "nom": .name, "solution": .name, "titre": .name, "title": .name, "description": .descriptionFr,
        "proprietaire": .owners, "proprietaires": .owners, "organisations": .owners, "porteur": .owners, "porteurs": .owners, "owner": .owners,
        "organisation": .owners,
        "pays": .countries, "country": .countries, "countries": .countries, "lieux": .places, "lieu": .places, "place": .places,
        "thematique": .thematicAreas,
        "thematiques": .thematicAreas, "domaines_thematiques": .thematicAreas, "themes": .thematicAreas, "domaines": .thematicAreas, "odd": .sdgs,
        "sdg": .sdgs, "maturite": .maturity, "stade": .maturity,
        "canaux": .channels, "canal": .channels, "channel": .channels, "logiciel_libre": .openSource, "open_source": .openSource,
        "bien_public_numerique": .digitalPublicGood, "dpg": .digitalPublicGood, "liens": .links, "lien": .links, "link": .links,
        "secteurs": .sectors, "secteur": .sectors, "sector": .sectors, "demarches": .procedures, "procedure": .procedures,
        "description_francais": .descriptionFr,
        "description_anglais": .descriptionEn, "description_english": .descriptionEn,
        "annee": .year,
    ]

    /// Headers that name personal data: refused, whatever else the file holds.
    static let identifying: Set<String> = [
        "email", "e_mail", "mail", "courriel", "phone", "telephone", "tel", "mobile", "contact", "contact_person", "adresse", "address",
        "whatsapp", "personne_contact", "nom_du_porteur", "prenom", "first_name", "last_name", "holder_name",
    ]

    package struct RowResult: Sendable, Equatable {
        package var line: Int
        package var solution: Solution?
        package var errors: [String]
    }

    package struct Reading: Sendable, Equatable {
        package var delimiter: Character
        package var warnings: [String]
        package var rows: [RowResult]
        package var accepted: [Solution] { rows.compactMap(\.solution) }
        package var rejected: [RowResult] { rows.filter { $0.solution == nil } }
    }

    package static func read(_ data: Data) throws(CSVTable.Problem) -> Reading {
        let table = try CSVTable(data: data)
        var (columns, warnings) = CSVHeaders.map(table.header, aliases: aliases, identifying: identifying)
        if !columns.values.contains(.name) { warnings.append("no \"name\" column: every row is rejected") }
        var seen: [String: Int] = [:]
        var results: [RowResult] = []
        for row in table.rows {
            var values: [Column: String] = [:]
            for (index, column) in columns where index < row.fields.count {
                values[column] = row.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            var result = solution(values, line: row.line)
            if row.fields.count > table.header.count, row.fields[table.header.count...].contains(where: { !$0.isEmpty }) {
                result.errors.append("more fields (\(row.fields.count)) than columns (\(table.header.count))")
                result.solution = nil
            }
            if let id = result.solution?.id {
                if let first = seen[id] {
                    result.errors.append("same solution as line \(first)")
                    result.solution = nil
                } else {
                    seen[id] = row.line
                }
            }
            results.append(result)
        }
        return Reading(delimiter: table.delimiter, warnings: warnings, rows: results)
    }

    static func list(_ value: String?) -> [String] {
        var seen = Set<String>()
        return (value ?? "").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    static func bool(_ value: String?) -> Bool?? {
        guard let value, !value.isEmpty else { return .some(nil) }
        switch TextFolding.words(value).joined(separator: " ") {
        case "oui", "yes", "true", "vrai", "1", "o", "y": return true
        case "non", "no", "false", "faux", "0", "n": return false
        default: return nil
        }
    }

    static func solution(_ values: [Column: String], line: Int) -> RowResult {
        var errors: [String] = []
        let name = values[.name] ?? ""
        if name.isEmpty { errors.append("name: empty") }
        if name.count > 200 { errors.append("name: longer than 200 characters") }
        let countries = list(values[.countries])
        let key = values[.id].flatMap { $0.isEmpty ? nil : $0 }
        if let key, !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            errors.append("id: only letters, digits, - and _")
        }
        let id = key.map { "csv-" + $0.lowercased() } ?? Solution.makeId(prefix: "csv-", name: name, identity: [countries.joined(separator: ",")])
        var solution = Solution(id: id, source: .csv, name: name)
        solution.descriptionFr = values[.descriptionFr].flatMap { $0.isEmpty ? nil : $0 }
        solution.descriptionEn = values[.descriptionEn].flatMap { $0.isEmpty ? nil : $0 }
        solution.owners = list(values[.owners])
        solution.countries = countries
        solution.places = list(values[.places])
        solution.thematicAreas = list(values[.thematicAreas])
        for raw in list(values[.sdgs]) {
            if let number = Int(raw).flatMap(SDG.init(number:)) ?? SDG(label: raw) {
                if !solution.sdgs.contains(number.number) { solution.sdgs.append(number.number) }
            } else {
                errors.append("sdgs: unknown SDG \"\(raw)\" (1 to 17)")
            }
        }
        if let raw = values[.maturity], !raw.isEmpty {
            if let maturity = Maturity(word: raw) {
                solution.maturity = maturity
            } else {
                errors.append("maturity: \"\(raw)\" is not idea, prototype, pilot or at scale")
            }
        }
        for raw in list(values[.channels]) {
            if let channel = Channel(word: raw) {
                if !solution.channels.contains(channel) { solution.channels.append(channel) }
            } else {
                errors.append("channels: \"\(raw)\" is not web, app, ussd, sms or agent")
            }
        }
        switch bool(values[.openSource]) {
        case .some(let value): solution.openSource = value
        case .none: errors.append("open_source: \"\(values[.openSource] ?? "")\" is not yes or no")
        }
        switch bool(values[.digitalPublicGood]) {
        case .some(let value): solution.digitalPublicGood = value ?? false
        case .none: errors.append("digital_public_good: \"\(values[.digitalPublicGood] ?? "")\" is not yes or no")
        }
        for link in list(values[.links]) {
            if let url = URL(string: link), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil {
                solution.links.append(link)
            } else {
                errors.append("links: \"\(link.prefix(60))\" is not an http(s) address")
            }
        }
        solution.sectors = list(values[.sectors])
        solution.procedures = list(values[.procedures])
        if let raw = values[.year], !raw.isEmpty {
            if let year = Int(raw), (1900...2200).contains(year) { solution.year = year } else { errors.append("year: \"\(raw)\" is not a year") }
        }
        for (column, text) in values where PersonalData.containsContact(text) && column != .links {
            errors.append("\(column.rawValue): holds an e-mail address or a phone number (personal data)")
        }
        return RowResult(line: line, solution: errors.isEmpty ? solution : nil, errors: errors)
    }
}
