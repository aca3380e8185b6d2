// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

/// Where and under which terms the open data is published.
package struct OpenDataPublication: Sendable {
    /// The site's address (`GUICHET_PUBLIC_URL`): the IRIs and download addresses start with it.
    package var baseURL: String
    /// The licence's IRI (`GUICHET_OPENDATA_LICENSE`).
    package var license: String
    /// The publisher's name as the catalogue gives it.
    package var publisher: String

    package init(baseURL: String, license: String, publisher: String = "Guichet") {
        self.baseURL = baseURL
        self.license = license
        self.publisher = publisher
    }
}

/// One downloadable file of a dataset.
package struct OpenDataFile: Sendable {
    package let name: String
    package let mediaType: String
    package let body: Data
}

/// The open data: datasets generated from the live database, each with its files, and the DCAT-AP catalogue that
/// describes them. Nothing personal: the applications are counted, never listed; groups under five are left empty.
package struct OpenDataService: Sendable {
    let performance: PerformanceService
    let ecosystem: any EcosystemOpenData
    let publication: OpenDataPublication
    /// The datasets' titles and descriptions, in French and English.
    let localizer: Localizer

    /// A dataset: its files (name, format) and how often it changes.
    struct Dataset: Sendable {
        let key: String
        let frequency: String
        /// Counted month by month over the published months (a temporal coverage).
        let monthly: Bool
        let files: [(name: String, format: Format)]
        /// The CSV file's columns, in order, for the data dictionary.
        let columns: [String]
    }

    enum Format: String, Sendable {
        case csv, json, geojson

        var mediaType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8"
            case .json: "application/ld+json"
            case .geojson: "application/geo+json"
            }
        }
        /// The EU file-type authority's code.
        var euCode: String {
            switch self {
            case .csv: "CSV"
            case .json: "JSON_LD"
            case .geojson: "GEOJSON"
            }
        }
        var ianaType: String {
            switch self {
            case .csv: "text/csv"
            case .json: "application/ld+json"
            case .geojson: "application/geo+json"
            }
        }
    }

    static let datasets: [Dataset] = [
        Dataset(
            key: "procedures", frequency: "UPDATE_CONT", monthly: false, files: [("procedures.csv", .csv), ("procedures.jsonld", .json)],
            columns: [
                "procedure_id", "country", "title_fr", "title_en", "institution_id", "categories", "channel", "online_url", "steps", "documents",
                "cost_min", "cost_max", "currency", "declared_days_min", "declared_days_max", "version", "last_reviewed",
            ]),
        Dataset(
            key: "institutions", frequency: "UPDATE_CONT", monthly: false, files: [("institutions.csv", .csv)],
            columns: ["institution_id", "country", "kind", "parent_id", "name_fr", "name_en", "acronym", "website", "latitude", "longitude"]),
        Dataset(
            key: "centres", frequency: "UPDATE_CONT", monthly: false, files: [("centres.csv", .csv), ("centres.geojson", .geojson)],
            columns: [
                "centre_id", "country", "region", "department", "name_fr", "name_en", "status", "institution_id", "address", "latitude", "longitude",
                "timezone", "hours",
            ]),
        Dataset(
            key: "results_centres", frequency: "MONTHLY", monthly: true, files: [("results-centres-monthly.csv", .csv)],
            columns: [
                "month", "centre_id", "country", "called", "within_percent", "mean_wait_minutes", "no_show_percent", "answers",
                "satisfaction_percent", "wait_commitment_minutes",
            ]),
        Dataset(
            key: "results_procedures", frequency: "MONTHLY", monthly: true, files: [("results-procedures-monthly.csv", .csv)],
            columns: [
                "month", "procedure_id", "country", "institution_id", "filed", "filed_online", "filed_assisted", "filed_other", "decided",
                "approved_percent", "median_days", "p90_days", "within_percent", "declared_days_max",
            ]),
        Dataset(
            key: "solutions", frequency: "UPDATE_CONT", monthly: false, files: [("solutions.csv", .csv)],
            columns: [
                "solution_id", "name", "description_fr", "countries", "thematic_areas", "sdgs", "maturity", "channels", "open_source",
                "digital_public_good", "procedures", "year",
            ]),
        Dataset(
            key: "actors", frequency: "UPDATE_CONT", monthly: false, files: [("actors.csv", .csv)],
            columns: ["actor_id", "name", "acronym", "kind", "country", "sectors", "website"]),
        Dataset(
            key: "learning_plans", frequency: "UPDATE_CONT", monthly: false, files: [("learning-plans.csv", .csv)],
            columns: ["plan_id", "title", "country", "year", "sdgs", "thematic_areas", "methods"]),
    ]

    static func dataset(file name: String) -> Dataset? { datasets.first { $0.files.contains { $0.name == name } } }

    /// Every file of every dataset (the export).
    package func allFiles() async throws -> [OpenDataFile] {
        var files: [OpenDataFile] = []
        for dataset in Self.datasets {
            for file in dataset.files {
                if let built = try await self.file(named: file.name) { files.append(built) }
            }
        }
        return files
    }

    /// One file by name; nil when no dataset has it.
    package func file(named name: String) async throws -> OpenDataFile? {
        guard let dataset = Self.dataset(file: name), let format = dataset.files.first(where: { $0.name == name })?.format else { return nil }
        let body: Data
        switch name {
        case "procedures.csv": body = Data(try await proceduresTable(dataset).text.utf8)
        case "procedures.jsonld": body = try await proceduresJSONLD()
        case "institutions.csv": body = Data(try await institutionsTable(dataset).text.utf8)
        case "centres.csv": body = Data(try await centresTable(dataset).text.utf8)
        case "centres.geojson": body = try await centresGeoJSON()
        case "results-centres-monthly.csv": body = Data(try await centreResultsTable(dataset).text.utf8)
        case "results-procedures-monthly.csv": body = Data(try await procedureResultsTable(dataset).text.utf8)
        case "solutions.csv": body = Data(try await solutionsTable(dataset).text.utf8)
        case "actors.csv": body = Data(try await actorsTable(dataset).text.utf8)
        case "learning-plans.csv": body = Data(try await plansTable(dataset).text.utf8)
        default: return nil
        }
        return OpenDataFile(name: name, mediaType: format.mediaType, body: body)
    }

    // MARK: The catalogue's tables

    static func list(_ values: [String]) -> String { values.joined(separator: ";") }
    static func decimal(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "" }
    static func coordinate(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }

    func publishedProcedures() async throws -> [Procedure] {
        var all: [Procedure] = []
        var offset = 0
        while true {
            let page = try await performance.catalog.procedures(CatalogRepository.ProcedureFilter(), limit: 500, offset: offset)
            all += page.items.filter { $0.status == .published }
            offset += page.items.count
            if page.items.isEmpty || offset >= page.total { break }
        }
        return all.sorted { $0.id < $1.id }
    }

    func proceduresTable(_ dataset: Dataset) async throws -> CSVFile {
        var table = CSVFile(columns: dataset.columns)
        for procedure in try await publishedProcedures() {
            let totals = ProcedureTotals(procedure: procedure)
            let cost = totals.isFree ? nil : totals.costs.first
            table.append([
                "procedure_id": procedure.id, "country": procedure.country, "title_fr": procedure.title.fr, "title_en": procedure.title.en ?? "",
                "institution_id": procedure.institution, "categories": Self.list(procedure.categories), "channel": procedure.channel.rawValue,
                "online_url": procedure.onlineUrl ?? "", "steps": String(totals.steps), "documents": String(totals.documents),
                "cost_min": totals.isFree ? "0" : cost.map { Self.decimal($0.min) } ?? "",
                "cost_max": totals.isFree ? "0" : cost.map { Self.decimal($0.max) } ?? "",
                "currency": cost?.currency ?? "", "declared_days_min": totals.days.map { String($0.min) } ?? "",
                "declared_days_max": totals.days.map { String($0.max) } ?? "", "version": String(procedure.version),
                "last_reviewed": procedure.lastReviewed ?? "",
            ])
        }
        return table
    }

    func institutionsTable(_ dataset: Dataset) async throws -> CSVFile {
        var table = CSVFile(columns: dataset.columns)
        for institution in try await performance.catalog.allInstitutions().values.sorted(by: { $0.id < $1.id }) {
            table.append([
                "institution_id": institution.id, "country": institution.country, "kind": institution.kind.rawValue,
                "parent_id": institution.parent ?? "",
                "name_fr": institution.name.fr, "name_en": institution.name.en ?? "", "acronym": institution.acronym ?? "",
                "website": institution.website ?? "", "latitude": Self.coordinate(institution.latitude),
                "longitude": Self.coordinate(institution.longitude),
            ])
        }
        return table
    }

    /// "1,2,3,4,5 08:00-16:00; 6 08:00-12:00" (ISO weekdays, local time).
    static func hours(_ hours: [PlaceHours]) -> String {
        hours.map { "\($0.days.map(String.init).joined(separator: ",")) \($0.opens)-\($0.closes)" }.joined(separator: "; ")
    }

    func centresTable(_ dataset: Dataset) async throws -> CSVFile {
        var table = CSVFile(columns: dataset.columns)
        for centre in try await performance.centres.centres().sorted(by: { $0.id < $1.id }) {
            table.append([
                "centre_id": centre.id, "country": centre.country, "region": centre.region, "department": centre.department, "name_fr": centre.nameFr,
                "name_en": centre.nameEn ?? "", "status": centre.status, "institution_id": centre.institution ?? "",
                "address": centre.addressFr ?? "",
                "latitude": Self.coordinate(centre.latitude), "longitude": Self.coordinate(centre.longitude), "timezone": centre.timezone,
                "hours": Self.hours(centre.hours),
            ])
        }
        return table
    }

    func centresGeoJSON() async throws -> Data {
        let features: [[String: Any]] = try await performance.centres.centres().sorted(by: { $0.id < $1.id }).map { centre in
            [
                "type": "Feature", "id": centre.id,
                "geometry": ["type": "Point", "coordinates": [centre.longitude, centre.latitude]],
                "properties": [
                    "centre_id": centre.id, "country": centre.country, "region": centre.region, "department": centre.department,
                    "name_fr": centre.nameFr, "name_en": centre.nameEn ?? NSNull(), "status": centre.status,
                    "institution_id": centre.institution ?? NSNull(), "address": centre.addressFr ?? NSNull(), "timezone": centre.timezone,
                    "hours": centre.hours.map { ["days": $0.days, "opens": $0.opens, "closes": $0.closes] },
                ] as [String: Any],
            ]
        }
        return try JSONSerialization.data(
            withJSONObject: ["type": "FeatureCollection", "features": features], options: [.sortedKeys, .withoutEscapingSlashes])
    }

    func centreResultsTable(_ dataset: Dataset) async throws -> CSVFile {
        var table = CSVFile(columns: dataset.columns)
        let months = performance.months()
        let countries = Dictionary(uniqueKeysWithValues: try await performance.centres.centres().map { ($0.id, $0.country) })
        let targets = try await performance.centres.commitments()
        let figures = try await performance.centreMonths(months).sorted { ($0.month, $0.centreId) < ($1.month, $1.centreId) }
        for item in figures {
            var month = CentreMonth(month: item.month)
            month.add(item)
            table.append([
                "month": item.month, "centre_id": item.centreId, "country": countries[item.centreId] ?? "",
                "called": Disclosure.count(item.called).map(String.init) ?? "", "within_percent": Self.decimal(month.withinPercent),
                "mean_wait_minutes": Self.decimal(month.meanWaitMinutes), "no_show_percent": Self.decimal(month.noShowPercent),
                "answers": Disclosure.count(item.answers).map(String.init) ?? "", "satisfaction_percent": Self.decimal(month.satisfactionPercent),
                "wait_commitment_minutes": String(targets.waitMinutes),
            ])
        }
        return table
    }

    func procedureResultsTable(_ dataset: Dataset) async throws -> CSVFile {
        var table = CSVFile(columns: dataset.columns)
        let months = performance.months()
        let facts = try await performance.facts(months: months)
        let byProcedure = Dictionary(grouping: facts, by: \.procedureId)
        let procedures = Dictionary(
            uniqueKeysWithValues: try await performance.catalog.procedures(ids: Array(byProcedure.keys)).map { ($0.id, $0) })
        for (id, items) in byProcedure.sorted(by: { $0.key < $1.key }) {
            guard let first = items.first else { continue }
            let declared = procedures[id].flatMap(PerformanceService.declaredDays)
            for month in ApplicationMonth.series(items, months: months) where month.filed > 0 || month.decided > 0 {
                let online = month.filedByChannel["online", default: 0]
                let assisted = month.filedByChannel["assisted", default: 0]
                let other = month.filed - online - assisted
                // A small channel beside the total would be its difference: then only the total is given.
                let split = [online, assisted, other].allSatisfy { Disclosure.count($0) != nil }
                table.append([
                    "month": month.month, "procedure_id": id, "country": first.country, "institution_id": first.institutionId,
                    "filed": Disclosure.count(month.filed).map(String.init) ?? "", "filed_online": split ? String(online) : "",
                    "filed_assisted": split ? String(assisted) : "", "filed_other": split ? String(other) : "",
                    "decided": Disclosure.count(month.decided).map(String.init) ?? "", "approved_percent": Self.decimal(month.approvedPercent),
                    "median_days": Self.decimal(month.medianDays), "p90_days": Self.decimal(month.p90Days),
                    "within_percent": Self.decimal(month.withinPercent), "declared_days_max": declared.map { String($0.max) } ?? "",
                ])
            }
        }
        return table
    }

    func solutionsTable(_ dataset: Dataset) async throws -> CSVFile {
        var table = CSVFile(columns: dataset.columns)
        for solution in try await ecosystem.solutions().sorted(by: { $0.id < $1.id }) {
            table.append([
                "solution_id": solution.id, "name": solution.name, "description_fr": solution.descriptionFr ?? "",
                "countries": Self.list(solution.countries), "thematic_areas": Self.list(solution.thematicAreas),
                "sdgs": Self.list(solution.sdgs.map(String.init)), "maturity": solution.maturity ?? "", "channels": Self.list(solution.channels),
                "open_source": solution.openSource.map { $0 ? "true" : "false" } ?? "",
                "digital_public_good": solution.digitalPublicGood ? "true" : "false",
                "procedures": Self.list(solution.procedures), "year": solution.year.map(String.init) ?? "",
            ])
        }
        return table
    }

    func actorsTable(_ dataset: Dataset) async throws -> CSVFile {
        var table = CSVFile(columns: dataset.columns)
        for actor in try await ecosystem.actors().sorted(by: { $0.id < $1.id }) {
            table.append([
                "actor_id": actor.id, "name": actor.name, "acronym": actor.acronym ?? "", "kind": actor.kind, "country": actor.country,
                "sectors": Self.list(actor.sectors), "website": actor.website ?? "",
            ])
        }
        return table
    }

    func plansTable(_ dataset: Dataset) async throws -> CSVFile {
        var table = CSVFile(columns: dataset.columns)
        for plan in try await ecosystem.learningPlans().sorted(by: { $0.id < $1.id }) {
            table.append([
                "plan_id": plan.id, "title": plan.title, "country": plan.country ?? "", "year": plan.year.map(String.init) ?? "",
                "sdgs": Self.list(plan.sdgs.map(String.init)), "thematic_areas": Self.list(plan.thematicAreas), "methods": Self.list(plan.methods),
            ])
        }
        return table
    }
}
