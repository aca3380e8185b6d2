import Foundation

/// The catalogue read from the open data of servicepublic.gouv.sn, and what the import could and could not map.
package struct ServicePublicImport: Sendable {
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
            "offices: \(offices) institutions from data/services, \(createdInstitutions) more created (ministries, parent directorates, placeholder)",
        ]
        let width = fieldCounts.map(\.field.count).max() ?? 0
        for count in fieldCounts {
            let padding = String(repeating: " ", count: max(0, width - count.field.count))
            let percent = fiches > 0 ? Int((Double(count.mapped) * 100 / Double(fiches)).rounded()) : 0
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

    package static func read(directory: URL, datasetDate: String = "2021-02-01") throws -> ServicePublicImport {
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
        let institutions = InstitutionBuilder(offices: offices, datasetDate: datasetDate)

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
        var counts = FieldCounter()
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
            var builder = ProcedureBuilder(
                name: name, fiche: fiche, sourcePath: sourcePath, datasetDate: datasetDate, parsers: parsers, institutions: institutions)
            builder.warnings = []
            var procedure = builder.build()
            warnings += builder.warnings
            procedure.categories = ServicePublicCategories.order.filter(categories.contains)
            procedure.audience = Audience.allCases.filter(audience.contains)
            if procedure.categories.isEmpty { warnings.append("\(sourcePath): no category for its folder") }
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
            fieldCounts: counts.fieldCounts(placeholder: placeholderInstitution), warnings: warnings)
        return ServicePublicImport(
            document: CatalogDocument(institutions: allInstitutions, procedures: procedures), report: report)
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
private struct InstitutionBuilder {
    var all: [Institution] = []
    /// Office file name → institution id.
    var officeIds: [String: String] = [:]
    /// Office file name → (id of its top organisation, name of the office).
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
            let id = officeIds[name]!
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
                    source: Source(title: ServicePublicImporter.sourceTitle, url: ServicePublicImporter.sourceBase + "services/\(name).md",
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

private struct ProcedureBuilder {
    let name: String
    let fiche: SPFiche
    let sourcePath: String
    let datasetDate: String
    let parsers: ServicePublicParsers
    let institutions: InstitutionBuilder
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
        if let first = linked.first { step.institution = institutions.officeIds[first] }
        if linked.count > 1 {
            let others = linked.dropFirst().compactMap { institutions.officeNames[$0] }
            stepInfo.append("Autres services à contacter :\n" + others.joined(separator: "\n"))
        }

        var eligibility: [String] = []
        var offices: [String] = []
        var actions: [String] = []
        var requirements: [Requirement] = []
        var costLines: [SPLine] = []
        var costSeen = false
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
                let (items, notes) = lines.splitNotes()
                var group: String?
                for line in items {
                    if !line.bullet, line.text.hasSuffix(":") || (ServicePublicParsers.isEnumerated(line.raw) && line.text.count < 120) {
                        group = line.text.spTrimmed(" :")
                    } else {
                        requirements.append(parsers.requirement(line.text, notes: group))
                    }
                }
                if !notes.isEmpty { stepInfo.append(section.title + "\n" + notes.joined(separator: "\n")) }
            case .cost:
                costSeen = true
                costLines += lines
            case .delay:
                delayLines += lines
            case .result:
                let (items, notes) = lines.splitNotes()
                for line in items { results.append(StepResult(name: LocalizedText(fr: line.text), final: true)) }
                if !notes.isEmpty { stepInfo.append(section.title + "\n" + notes.joined(separator: "\n")) }
            case .office:
                if let text = Self.text(lines) { offices.append(text) }
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
        step.requirements = requirements.isEmpty ? nil : requirements
        if costSeen {
            let (costs, notes) = parsers.costs(from: costLines)
            step.costs = costs.isEmpty ? nil : costs
            if !notes.isEmpty { stepInfo.append("Coût\n" + notes.joined(separator: "\n")) }
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
            sources: [Source(title: ServicePublicImporter.sourceTitle, url: ServicePublicImporter.sourceBase + sourcePath, date: datasetDate)],
            blocks: [Block(name: nil, mode: .sequence, optional: nil, steps: [step])],
            additionalInfo: SPText.localized(procedureInfo.joined(separator: "\n\n")))
    }

    /// "Déposer la demande" for a request; otherwise the fiche's own action ("Déclarer une naissance").
    private func stepTitle() -> String {
        let folded = SPText.fold(fiche.title)
        let requestVerbs = ["demander", "comment", "solliciter", "obtenir", "beneficier", "acceder", "se faire", "faire une demande", "faire la demande"]
        if requestVerbs.contains(where: { folded.hasPrefix($0) }) { return "Déposer la demande" }
        return fiche.title
    }

    /// Acronyms in the title: "Demander une carte nationale d'identité (CNI)" → ["CNI"].
    private func keywords() -> Keywords? {
        var found: [String] = []
        for word in fiche.title.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }) {
            let letters = word.filter(\.isLetter)
            guard letters.count >= 2, letters.count <= 10, letters.allSatisfy(\.isUppercase), !["II", "III", "IV", "VI"].contains(String(word))
            else { continue }
            if !found.contains(String(word)) { found.append(String(word)) }
        }
        return found.isEmpty ? nil : Keywords(fr: found, en: nil)
    }

    /// The lines of a section as one text, one line each.
    static func text(_ lines: [SPLine]) -> String? {
        SPText.nonEmpty(lines.map(\.text).joined(separator: "\n"))
    }
}

// MARK: - Report

private struct FieldCounter {
    var fiches = 0
    var values: [String: Int] = [:]
    static let fields = [
        "summary", "eligibility", "requirements", "costs", "costs with amount", "costs percentage", "costs free", "costs unknown only",
        "timeframe", "timeframe in days", "office text", "institution linked", "legal bases", "results", "action", "additional info",
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
        mark("additional info", procedure.additionalInfo != nil || step?.additionalInfo != nil)
        mark("online", procedure.channel != .counter)
        mark("categories", !procedure.categories.isEmpty)
    }

    func fieldCounts(placeholder: String) -> [ServicePublicFieldCount] {
        Self.fields.map { ServicePublicFieldCount(field: $0, mapped: values[$0] ?? 0) }
    }
}
