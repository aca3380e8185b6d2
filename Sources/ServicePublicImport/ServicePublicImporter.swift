// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

/// The catalogue read from the open data of servicepublic.gouv.sn, and what the import could and could not map.
package struct ServicePublicImportResult: Sendable {
    /// Institutions and procedures; no countries or categories (the app already has country SN and its categories).
    package var document: CatalogDocument
    package var report: ServicePublicReport
}

package struct ServicePublicFieldCount: Sendable, Equatable {
    package var field: String
    package var mapped: Int

    package init(field: String, mapped: Int) {
        self.field = field
        self.mapped = mapped
    }
}

package struct ServicePublicReport: Sendable, Equatable {
    /// Distinct procedures (a fiche filed under several themes counts once).
    package var fiches: Int
    /// Institutions read from data/services.
    package var offices: Int
    /// Institutions created for the organisations named above an office (ministries, general directorates) and the
    /// placeholder for fiches that name no office.
    package var createdInstitutions: Int
    /// For each field, how many of the fiches got it.
    package var fieldCounts: [ServicePublicFieldCount]
    package var warnings: [String]

    package func count(_ field: String) -> Int? {
        fieldCounts.first { $0.field == field }?.mapped
    }

    /// Human-readable lines for the CLI.
    package func lines() -> [String] {
        var lines = [
            "fiches: \(fiches) procedures",
            "offices: \(offices) from data/services (+\(createdInstitutions) created: ministries, parent bodies, placeholder)",
        ]
        let width = fieldCounts.map(\.field.count).max() ?? 0
        for count in fieldCounts {
            let padding = String(repeating: " ", count: max(0, width - count.field.count))
            let percent = fiches > 0 ? (Double(count.mapped) * 100 / Double(fiches)).clampedInt() : 0
            lines.append("\(count.field):\(padding) \(count.mapped) / \(fiches) fiches (\(percent) %)")
        }
        lines.append("warnings: \(warnings.count)")
        lines += warnings.map { "  - \($0)" }
        return lines
    }
}

/// Reads Senegal Ouvert's Markdown copy of servicepublic.gouv.sn (`data/particuliers`, `data/professionnels`, `data/services`) into
/// catalogue procedures and institutions. Ids are derived from file names, so importing again updates rather than duplicates.
package enum ServicePublicImporter {
    package static let sourceTitle = "servicepublic.gouv.sn — données ouvertes Sénégal Ouvert (commit b29994d)"
    package static let sourceBase = "https://github.com/senegalouvert/servicepublic/blob/b29994d/data/"
    package static let placeholderInstitution = "sn-sp-servicepublic"

    package enum ImportError: Error, CustomStringConvertible {
        case notADataDirectory(String)

        package var description: String {
            switch self {
            case .notADataDirectory(let path):
                "\(path) is not the data directory of senegalouvert/servicepublic (expected particuliers/, professionnels/ and services/)"
            }
        }
    }

    package static func read(directory: URL, datasetDate: String = "2021-02-01") throws -> ServicePublicImportResult {
        let fileManager = FileManager.default
        let root = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: root.appendingPathComponent("services").path, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw ImportError.notADataDirectory(root.path) }
        var warnings: [String] = []
        let parsers = ServicePublicParsers()

        // Offices.
        let officeNames = try markdownFiles(in: root.appendingPathComponent("services"), fileManager: fileManager)
            .map { String($0.dropLast(3)) }.sorted()
        var offices: [(name: String, office: SPOffice)] = []
        for name in officeNames {
            let path = "services/\(name).md"
            guard let text = readText(root.appendingPathComponent(path)) else {
                warnings.append("\(path): unreadable")
                continue
            }
            guard let office = SPOffice.parse(text, fileName: name) else {
                warnings.append("\(path): no title, skipped")
                continue
            }
            offices.append((name, office))
        }
        let institutions = SPInstitutionBuilder(offices: offices, datasetDate: datasetDate)

        // Fiches: one procedure per file name, whatever the number of theme folders it is filed under.
        var filesByName: [String: [String]] = [:]
        for audience in ["particuliers", "professionnels"] {
            let base = root.appendingPathComponent(audience)
            guard fileManager.fileExists(atPath: base.path) else {
                warnings.append("\(audience)/: missing")
                continue
            }
            for relative in try markdownFiles(in: base, fileManager: fileManager, recursive: true)
            where !relative.hasSuffix("README.md") && relative != "README.md" {
                let name = String((relative.split(separator: "/").last ?? "").dropLast(3))
                filesByName[name, default: []].append("\(audience)/\(relative)")
            }
        }

        var procedures: [Procedure] = []
        var counts = SPFieldCounter()
        var generic = false
        for name in filesByName.keys.sorted() {
            let paths = filesByName[name, default: []].sorted()
            var fiche: SPFiche?
            var sourcePath = paths[0]
            for path in paths {
                guard let text = readText(root.appendingPathComponent(path)) else {
                    warnings.append("\(path): unreadable")
                    continue
                }
                guard let parsed = SPFiche.parse(text) else {
                    warnings.append("\(path): no title, skipped")
                    continue
                }
                fiche = parsed
                sourcePath = path
                break
            }
            guard let fiche else { continue }
            var categories = Set<String>()
            var audience = Set<Audience>()
            for path in paths {
                categories.formUnion(ServicePublicCategories.categories(path: path, title: fiche.title))
                audience.insert(path.hasPrefix("professionnels/") ? .business : .citizen)
            }
            var builder = SPProcedureBuilder(
                name: name, fiche: fiche, sourcePath: sourcePath, datasetDate: datasetDate, parsers: parsers, institutions: institutions)
            var procedure = builder.build()
            warnings += builder.warnings
            procedure.categories = ServicePublicCategories.order.filter(categories.contains)
            procedure.audience = Audience.allCases.filter(audience.contains)
            if procedure.categories.isEmpty {
                // A folder the table does not know (a later version of the dataset): the audience's broadest category.
                procedure.categories = [procedure.audience.contains(.citizen) ? "identite" : "entreprise"]
                warnings.append("\(sourcePath): folder not in the category table, filed under \(procedure.categories[0])")
            }
            if procedure.institution == placeholderInstitution { generic = true }
            counts.add(procedure, fiche: fiche)
            procedures.append(procedure)
        }

        var allInstitutions = institutions.all
        if generic {
            allInstitutions.append(
                Institution(
                    id: placeholderInstitution, country: "SN", kind: .other, parent: nil,
                    name: LocalizedText(fr: "Administration sénégalaise (service non précisé)"), acronym: nil, address: nil, phone: nil,
                    email: nil, website: nil, hours: nil, hoursNote: nil, latitude: nil, longitude: nil,
                    source: Source(title: sourceTitle, url: sourceBase + "README.md", date: datasetDate)))
        }
        allInstitutions.sort { $0.id < $1.id }
        procedures.sort { $0.id < $1.id }
        let report = ServicePublicReport(
            fiches: procedures.count, offices: offices.count, createdInstitutions: allInstitutions.count - offices.count,
            fieldCounts: counts.fieldCounts(), warnings: warnings)
        return ServicePublicImportResult(
            document: CatalogDocument(institutions: allInstitutions, procedures: procedures), report: report)
    }

    /// The address of a file of the dataset in Senegal Ouvert's repository, at the commit the copy was taken from.
    static func sourceURL(_ relativePath: String) -> String {
        sourceBase + (relativePath.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? relativePath)
    }

    /// Markdown files under a folder, as paths relative to it.
    private static func markdownFiles(in folder: URL, fileManager: FileManager, recursive: Bool = false) throws -> [String] {
        if !recursive {
            return try fileManager.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") && $0 != "README.md" }
        }
        guard let enumerator = fileManager.enumerator(atPath: folder.path) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".md") { files.append(path) }
        }
        return files.sorted()
    }

    private static func readText(_ url: URL) -> String? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        if let text = String(data: data, encoding: .utf8) { return text }
        return String(decoding: data, as: UTF8.self)
    }
}

// MARK: - Institutions

/// Offices of data/services, and the organisations named above them (created once each, by name).
private struct SPInstitutionBuilder {
    var all: [Institution] = []
    /// Office file name → institution id.
    var officeIds: [String: String] = [:]
    /// Office file name → the office's name.
    var officeNames: [String: String] = [:]

    init(offices: [(name: String, office: SPOffice)], datasetDate: String) {
        var byFoldedName: [String: String] = [:]
        for (name, office) in offices {
            let id = SPText.identifier(name)
            officeIds[name] = id
            officeNames[name] = office.name
            byFoldedName[Self.key(office.name)] = byFoldedName[Self.key(office.name)] ?? id
        }
        var created: [String: Institution] = [:]
        var createdByKey: [String: String] = [:]
        /// The id of an organisation named above an office: an office of the dataset with that name, or one created for it.
        func organisation(_ line: String, parent: String?) -> String? {
            let (name, acronym) = SPOffice.splitAcronym(line) ?? (line, nil)
            let key = Self.key(name)
            guard !key.isEmpty else { return nil }
            if let id = byFoldedName[key] { return id }
            if let id = createdByKey[key] {
                if created[id]?.acronym == nil, let acronym { created[id]?.acronym = acronym }
                if created[id]?.parent == nil, let parent, parent != id { created[id]?.parent = parent }
                return id
            }
            var id = SPText.identifier(SPText.slug(name))
            if officeIds.values.contains(id) || created[id] != nil { id = SPText.identifier(SPText.slug(name) + "-org") }
            createdByKey[key] = id
            created[id] = Institution(
                id: id, country: "SN", kind: Self.kind(of: name), parent: parent == id ? nil : parent, name: LocalizedText(fr: name),
                acronym: acronym, address: nil, phone: nil, email: nil, website: nil, hours: nil, hoursNote: nil, latitude: nil,
                longitude: nil, source: Source(title: ServicePublicImporter.sourceTitle, url: nil, date: datasetDate))
            return id
        }
        for (name, office) in offices {
            let id = officeIds[name] ?? SPText.identifier(name)
            // The hierarchy, from the top (the ministry) down to the office's direct parent.
            var parent: String?
            for line in office.hierarchy.reversed() {
                if let organisationId = organisation(line, parent: parent), organisationId != id { parent = organisationId }
            }
            all.append(
                Institution(
                    id: id, country: "SN", kind: Self.kind(of: office.name), parent: parent, name: LocalizedText(fr: office.name),
                    acronym: office.acronym, address: SPText.localized(office.address), phone: office.phone, email: office.email,
                    website: office.website, hours: nil, hoursNote: SPText.localized(office.hoursNote), latitude: nil, longitude: nil,
                    source: Source(
                        title: ServicePublicImporter.sourceTitle, url: ServicePublicImporter.sourceURL("services/\(name).md"),
                        date: datasetDate)))
        }
        // An organisation that is also an office keeps the office's own parent; a created one may not point at itself in a loop.
        all += created.values.sorted { $0.id < $1.id }
        let ids = Set(all.map(\.id))
        for index in all.indices {
            if let parent = all[index].parent, parent == all[index].id || !ids.contains(parent) { all[index].parent = nil }
        }
        Self.breakCycles(&all)
    }

    private static func breakCycles(_ institutions: inout [Institution]) {
        var parents: [String: String] = [:]
        for institution in institutions { parents[institution.id] = institution.parent }
        for index in institutions.indices {
            var seen: Set<String> = [institutions[index].id]
            var current = institutions[index].parent
            while let id = current {
                if !seen.insert(id).inserted {
                    institutions[index].parent = nil
                    parents[institutions[index].id] = nil
                    break
                }
                current = parents[id]
            }
        }
    }

    static func key(_ name: String) -> String {
        SPText.slug(name).replacingOccurrences(of: "ministre-", with: "ministere-")
    }

    /// Ministère → ministry, Direction → directorate, Agence → agency, Mairie/Commune → commune, Tribunal/Cour → court,
    /// Ambassade/Consulat → embassy, Centre → centre, anything else → other.
    static func kind(of name: String) -> InstitutionKind {
        let folded = SPText.fold(name)
        func starts(_ words: String...) -> Bool { words.contains { folded.hasPrefix($0) } }
        if starts("ministere", "ministre ", "ministeres") { return .ministry }
        if starts("ambassade", "consulat", "consulats", "ambassades") || SPText.has(folded, "ambassade") { return .embassy }
        if starts("direction", "directions") { return .directorate }
        if starts("agence", "agences") { return .agency }
        if starts("mairie", "mairies", "commune", "communes", "ville de") { return .commune }
        if starts("tribunal", "tribunaux", "cour ", "cours ", "cour d'", "cours d'") { return .court }
        if starts("centre", "centres") { return .centre }
        return .other
    }
}

// MARK: - Procedures

private struct SPProcedureBuilder {
    let name: String
    let fiche: SPFiche
    let sourcePath: String
    let datasetDate: String
    let parsers: ServicePublicParsers
    let institutions: SPInstitutionBuilder
    var warnings: [String] = []

    mutating func build() -> Procedure {
        var step = Step(title: LocalizedText(fr: stepTitle()))
        var procedureInfo: [String] = []
        var stepInfo: [String] = []

        // The office: the first one linked under "Les services à contacter", else one linked in the text.
        var linked: [String] = []
        for office in fiche.contactLinks {
            if institutions.officeIds[office] != nil {
                linked.append(office)
            } else {
                warnings.append("\(sourcePath): link to unknown office services/\(office).md")
            }
        }
        if linked.isEmpty {
            linked = fiche.otherLinks.filter { institutions.officeIds[$0] != nil }
        }
        // Of the linked offices, the one the "Où s'adresser ?" text names (the first linked when none or several match as well).
        let officeLines = fiche.sections(.office).flatMap(\.lines).splitNotes().items.map(\.text)
        if let chosen = Self.bestOffice(linked, officeLines: officeLines, names: institutions.officeNames) {
            step.institution = institutions.officeIds[chosen]
            let others = linked.filter { $0 != chosen }.compactMap { institutions.officeNames[$0] }
            if !others.isEmpty { stepInfo.append("Autres services à contacter :\n" + others.joined(separator: "\n")) }
        }

        var eligibility: [String] = []
        var offices: [String] = []
        var actions: [String] = []
        var recourse: [String] = []
        var documentSections = 0
        var requirements: [Requirement] = []
        var costLines: [SPLine] = []
        var costSeen = false
        var costTitle: String?
        var delayLines: [SPLine] = []
        var results: [StepResult] = []
        var legal: [LegalBasis] = []

        func addLegal(_ bases: [LegalBasis]) {
            for basis in bases {
                let key = SPText.fold(basis.text.fr) + "|" + SPText.fold(basis.article ?? "")
                if !legal.contains(where: { SPText.fold($0.text.fr) + "|" + SPText.fold($0.article ?? "") == key }) { legal.append(basis) }
            }
        }

        for line in fiche.intro { addLegal(parsers.legalBases(in: line.text)) }
        for line in fiche.legalLines { addLegal(parsers.legalBases(in: line.text, referenceLine: true)) }

        for section in fiche.sections {
            let lines = section.lines
            if section.kind != .legal && section.kind != .services {
                for line in lines { addLegal(parsers.legalBases(in: line.text)) }
            }
            switch section.kind {
            case .eligibility:
                let text = Self.text(lines)
                if eligibility.isEmpty {
                    if let text { eligibility.append(text) }
                } else if let text {
                    eligibility.append(section.title + "\n" + text)
                }
            case .documents:
                // "a) Pour une personne physique :" heads the documents below it (their notes); "NB : …" goes to the step's notes.
                // A second list, or one for a given case ("… en cas de changement de propriétaire ?"), names its case in the notes.
                let (items, notes) = lines.splitNotes()
                let foldedTitle = SPText.fold(section.title)
                documentSections += 1
                let specific = documentSections > 1 || SPText.hasAny(foldedTitle, [" pour ", " en cas", " si ", "renouvel", "duplicata"])
                let base: String? = specific ? section.title.spTrimmed(" ?:") : nil
                var group = base
                var stated: [String] = []
                for line in items {
                    if Self.isPlaceholder(line.text) {
                        stated.append(line.text)  // "Aucun.", "Sans objet.": said, but not a document
                    } else if !line.bullet,
                        line.text.hasSuffix(":") || (ServicePublicParsers.isEnumerated(line.raw) && line.text.count < 120)
                    {
                        group = [base, line.text.spTrimmed(" :")].compactMap { $0 }.joined(separator: " — ")
                    } else {
                        requirements.append(parsers.requirement(line.text, notes: group))
                    }
                }
                if !notes.isEmpty || !stated.isEmpty { stepInfo.append(section.title + "\n" + (stated + notes).joined(separator: "\n")) }
            case .cost:
                if costTitle == nil { costTitle = section.title }
                costSeen = true
                costLines += lines
            case .delay:
                delayLines += lines
            case .result:
                let (items, notes) = lines.splitNotes()
                let stated = items.filter { Self.isPlaceholder($0.text) }.map(\.text)
                for line in items where !Self.isPlaceholder(line.text) {
                    results.append(StepResult(name: LocalizedText(fr: line.text), final: true))
                }
                if !notes.isEmpty || !stated.isEmpty { stepInfo.append(section.title + "\n" + (stated + notes).joined(separator: "\n")) }
            case .office:
                if let text = Self.text(lines) { offices.append(text) }
            case .recourse:
                if let text = Self.text(lines) { recourse.append(section.title + "\n" + text) }
            case .action:
                if let text = Self.text(lines) { actions.append(actions.isEmpty ? text : section.title + "\n" + text) }
            case .legal:
                for line in lines { addLegal(parsers.legalBases(in: line.text, referenceLine: true)) }
            case .services, .online:
                break
            case .when, .loss, .renewal, .moreInfo, .other:
                if let text = Self.text(lines) { procedureInfo.append(section.title + "\n" + text) }
            }
        }

        step.office = SPText.localized(offices.joined(separator: "\n"))
        step.action = SPText.localized(actions.joined(separator: "\n\n"))
        step.recourse = SPText.localized(recourse.joined(separator: "\n\n"))
        step.requirements = requirements.isEmpty ? nil : requirements
        if costSeen {
            let (costs, notes) = parsers.costs(from: costLines)
            step.costs = costs.isEmpty ? nil : costs
            if !notes.isEmpty { stepInfo.append((costTitle ?? "Quel est le coût ?") + "\n" + notes.joined(separator: "\n")) }
        }
        if !delayLines.isEmpty {
            // Days from the delays stated; notes ("NB : …") only qualify them. The wording is always kept.
            let stated = delayLines.splitNotes().items.map(\.text)
            step.timeframe = Timeframe(
                untilNextStepDays: parsers.days(in: stated), notes: LocalizedText(fr: delayLines.map(\.text).joined(separator: "\n")))
        }
        step.results = results.isEmpty ? nil : results
        step.legalBases = legal.isEmpty ? nil : legal
        step.additionalInfo = SPText.localized(stepInfo.joined(separator: "\n\n"))

        let onlineUrl = fiche.online ? fiche.urls.first : nil
        return Procedure(
            id: SPText.identifier(name), country: "SN", title: LocalizedText(fr: fiche.title),
            summary: SPText.localized(Self.text(fiche.intro)), audience: [], categories: [],
            institution: step.institution ?? ServicePublicImporter.placeholderInstitution,
            channel: fiche.online ? .both : .counter, onlineUrl: onlineUrl, keywords: keywords(),
            eligibility: SPText.localized(eligibility.joined(separator: "\n\n")), status: .published, version: 1, lastReviewed: nil,
            sources: [
                Source(title: ServicePublicImporter.sourceTitle, url: ServicePublicImporter.sourceURL(sourcePath), date: datasetDate)
            ],
            blocks: [Block(name: nil, mode: .sequence, optional: nil, steps: [step])],
            additionalInfo: SPText.localized(procedureInfo.joined(separator: "\n\n")))
    }

    /// "Aucun.", "Néant.", "Sans objet.": an answer saying there is nothing.
    static func isPlaceholder(_ text: String) -> Bool {
        let folded = SPText.fold(text).spTrimmed(" .!;")
        return ["aucun", "aucune", "neant", "sans objet", "rien", "aucun document", "aucune piece", "pas de document", "non applicable"]
            .contains(folded)
    }

    /// The linked office whose name shares most words with the first line of "Où s'adresser ?" (else with the whole answer);
    /// the first linked office when none does.
    static func bestOffice(_ linked: [String], officeLines: [String], names: [String: String]) -> String? {
        guard let first = linked.first else { return nil }
        for text in [officeLines.first ?? "", officeLines.joined(separator: " ")] {
            let textWords = significantWords(text)
            var best = first
            var bestScore = 0
            for office in linked {
                let score = significantWords(names[office] ?? "").intersection(textWords).count
                if score > bestScore {
                    best = office
                    bestScore = score
                }
            }
            if bestScore > 0 { return best }
        }
        return first
    }

    /// Distinctive words of a name or text, folded and singular ("Tribunaux départementaux" → tribunal, departemental).
    static func significantWords(_ text: String) -> Set<String> {
        let generic: Set<String> = [
            "direction", "directions", "generale", "general", "ministere", "service", "national", "nationale", "bureau", "division",
            "senegal", "regional", "regionale", "publique", "public", "aupres", "adresser", "dans", "pour", "avec", "leur", "votre",
        ]
        var words = Set<String>()
        for word in SPText.fold(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            var word = String(word)
            guard word.count >= 4 else { continue }
            if word.hasSuffix("aux") {
                word = String(word.dropLast(3)) + "al"
            } else if word.hasSuffix("s") || word.hasSuffix("x") {
                word.removeLast()
            }
            if !generic.contains(word) { words.insert(word) }
        }
        return words
    }

    /// "Déposer la demande" for a request; otherwise the fiche's own action ("Déclarer une naissance").
    private func stepTitle() -> String {
        let folded = SPText.fold(fiche.title)
        let requestVerbs = [
            "demande", "comment", "solliciter", "obtenir", "beneficier", "acceder", "se faire", "faire une demande", "faire la demande",
        ]
        if requestVerbs.contains(where: { folded.hasPrefix($0) }) { return "Déposer la demande" }
        return fiche.title
    }

    /// Acronyms in the title: "Demander une carte nationale d'identité (CNI)" → ["CNI"]; "Demander un NINEA" → ["NINEA"]. A word in
    /// capitals counts when it is in parentheses or follows a lower-case word (so that "Maison de la culture Douta SECK" gives none).
    private func keywords() -> Keywords? {
        var found: [String] = []
        let words = fiche.title.split(whereSeparator: { $0 == " " || $0 == "'" || $0 == "’" })
        for (index, raw) in words.enumerated() {
            let inParentheses = raw.hasPrefix("(") && raw.hasSuffix(")")
            let word = raw.trimmingCharacters(in: CharacterSet(charactersIn: "(),.;:"))
            let letters = word.filter(\.isLetter)
            guard letters.count >= 2, letters.count <= 10, letters.allSatisfy(\.isUppercase), !["II", "III", "IV", "VI"].contains(word)
            else { continue }
            let afterLowerCase = index > 0 && (words[index - 1].first?.isLowercase ?? false)
            if (inParentheses || afterLowerCase) && !found.contains(word) { found.append(word) }
        }
        return found.isEmpty ? nil : Keywords(fr: found, en: nil)
    }

    /// The lines of a section as one text, one line each.
    static func text(_ lines: [SPLine]) -> String? {
        SPText.nonEmpty(lines.map(\.text).joined(separator: "\n"))
    }
}

// MARK: - Report

private struct SPFieldCounter {
    var fiches = 0
    var values: [String: Int] = [:]
    static let fields = [
        "summary", "eligibility", "requirements", "costs", "costs with amount", "costs percentage", "costs free", "costs unknown only",
        "timeframe", "timeframe in days", "office text", "institution linked", "legal bases", "results", "action", "recourse",
        "additional info",
        "online", "categories",
    ]

    mutating func add(_ procedure: Procedure, fiche: SPFiche) {
        fiches += 1
        let step = procedure.blocks.first?.steps.first
        let costs = step?.costs ?? []
        func mark(_ field: String, _ condition: Bool) { if condition { values[field, default: 0] += 1 } }
        mark("summary", procedure.summary != nil)
        mark("eligibility", procedure.eligibility != nil)
        mark("requirements", !(step?.requirements ?? []).isEmpty)
        mark("costs", !costs.isEmpty)
        mark("costs with amount", costs.contains { $0.kind == .amount })
        mark("costs percentage", costs.contains { $0.kind == .percentage })
        mark("costs free", costs.contains { $0.kind == .free })
        mark("costs unknown only", !costs.isEmpty && costs.allSatisfy { $0.kind == .unknown })
        mark("timeframe", step?.timeframe != nil)
        mark("timeframe in days", step?.timeframe?.untilNextStepDays != nil)
        mark("office text", step?.office != nil)
        mark("institution linked", step?.institution != nil)
        mark("legal bases", !(step?.legalBases ?? []).isEmpty)
        mark("results", !(step?.results ?? []).isEmpty)
        mark("action", step?.action != nil)
        mark("recourse", step?.recourse != nil)
        mark("additional info", procedure.additionalInfo != nil || step?.additionalInfo != nil)
        mark("online", procedure.channel != .counter)
        mark("categories", !procedure.categories.isEmpty)
    }

    func fieldCounts() -> [ServicePublicFieldCount] {
        Self.fields.map { ServicePublicFieldCount(field: $0, mapped: values[$0] ?? 0) }
    }
}
