// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

/// One respondent of a digital-usage survey, without anything that identifies them.
package struct SurveyResponse: Equatable, Sendable, Codable {
    package enum Sex: String, CaseIterable, Codable, Sendable { case female, male, other }
    package enum Area: String, CaseIterable, Codable, Sendable { case urban, rural }

    package var region: String
    package var area: Area
    package var sex: Sex
    package var ageBand: String
    package var device: String
    package var usesInternet: Bool
    package var servicesOnline: [String]
    package var barriers: [String]
}

/// Reads a respondent-level CSV. Columns naming a person are dropped with a warning and never read.
package enum SurveyCSV {
    package struct Reading: Sendable, Equatable {
        package var responses: [SurveyResponse]
        package var warnings: [String]
        /// "line N: reasons", one per rejected row.
        package var rejected: [String]
    }

    enum Column: String, CaseIterable {
        case region, area, sex
        case ageBand = "age_band"
        case device
        case internetUse = "internet_use"
        case servicesOnline = "services_online"
        case barriers
    }

    static let aliases: [String: Column] = [
        "milieu": .area, "urbain_rural": .area, "urban_rural": .area, "sexe": .sex, "gender": .sex, "genre": .sex, "tranche_d_age": .ageBand,
        "tranche_age": .ageBand, "age": .ageBand, "appareil": .device, "equipement": .device, "usage_internet": .internetUse,
        "internet": .internetUse, "services_en_ligne": .servicesOnline, "services": .servicesOnline, "obstacles": .barriers, "freins": .barriers,
    ]

    /// Column names that identify a person: refused.
    static let identifying: Set<String> = [
        "name", "nom", "prenom", "first_name", "last_name", "full_name", "phone", "telephone", "tel", "mobile", "email", "e_mail", "courriel",
        "address", "adresse", "exact_address", "niu", "cni", "id_number", "numero_identite", "gps", "latitude", "longitude",
    ]

    static let sexes: [String: SurveyResponse.Sex] = [
        "f": .female, "female": .female, "femme": .female, "woman": .female, "m": .male, "male": .male, "homme": .male, "h": .male,
        "man": .male, "other": .other, "autre": .other,
    ]
    static let areas: [String: SurveyResponse.Area] = ["urban": .urban, "urbain": .urban, "u": .urban, "rural": .rural, "r": .rural]

    package static func read(_ data: Data) throws(CSVTable.Problem) -> Reading {
        let table = try CSVTable(data: data)
        let (columns, warnings) = CSVHeaders.map(table.header, aliases: aliases, identifying: identifying)
        var responses: [SurveyResponse] = []
        var rejected: [String] = []
        for row in table.rows {
            var values: [Column: String] = [:]
            for (index, column) in columns where index < row.fields.count {
                values[column] = row.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            var errors: [String] = []
            let sex = sexes[CSVHeaders.fold(values[.sex] ?? "").replacingOccurrences(of: "_", with: " ")]
            if sex == nil { errors.append("sex: \"\(values[.sex] ?? "")\" is not female, male or other") }
            let area = areas[CSVHeaders.fold(values[.area] ?? "")]
            if area == nil { errors.append("area: \"\(values[.area] ?? "")\" is not urban or rural") }
            let ageBand = values[.ageBand] ?? ""
            if ageBand.isEmpty { errors.append("age_band: empty") }
            let internet = SolutionCSV.bool(values[.internetUse])
            var usesInternet = false
            switch internet {
            case .some(.some(let value)): usesInternet = value
            default: errors.append("internet_use: \"\(values[.internetUse] ?? "")\" is not yes or no")
            }
            if values.values.contains(where: PersonalData.containsContact) { errors.append("a field holds an e-mail address or a phone number") }
            guard errors.isEmpty, let sex, let area else {
                rejected.append("line \(row.line): \(errors.joined(separator: "; "))")
                continue
            }
            responses.append(
                SurveyResponse(
                    region: values[.region] ?? "", area: area, sex: sex, ageBand: ageBand, device: values[.device] ?? "", usesInternet: usesInternet,
                    servicesOnline: SolutionCSV.list(values[.servicesOnline]), barriers: SolutionCSV.list(values[.barriers])))
        }
        return Reading(responses: responses, warnings: warnings, rejected: rejected)
    }
}

/// Aggregates by sex, age band and area. A group of fewer than 5 respondents is suppressed; so is a share whose count,
/// or whose complement, is under 5 (otherwise the small count could be worked out from the group's total).
package enum SurveyAggregates {
    package static let minimumCell = 5

    package struct Group: Equatable, Sendable {
        package var dimension: String
        package var value: String
        /// nil when suppressed.
        package var respondents: Int?
        package var internetUsers: Int?
        package var smartphoneOwners: Int?
        package var internetShare: Double?
        package var smartphoneShare: Double?
    }

    static func cell(_ count: Int, of total: Int) -> (count: Int?, share: Double?) {
        guard total >= minimumCell, count >= minimumCell, total - count >= minimumCell else { return (nil, nil) }
        return (count, Double(count) / Double(total))
    }

    static func isSmartphone(_ device: String) -> Bool {
        TextFolding.words(device).contains { $0 == "smartphone" || $0 == "ordiphone" }
    }

    package static func groups(_ responses: [SurveyResponse]) -> [Group] {
        let dimensions: [(String, (SurveyResponse) -> String, [String]?)] = [
            ("sex", { $0.sex.rawValue }, SurveyResponse.Sex.allCases.map(\.rawValue)),
            ("age_band", { $0.ageBand }, nil),
            ("area", { $0.area.rawValue }, SurveyResponse.Area.allCases.map(\.rawValue)),
        ]
        var result: [Group] = []
        for (dimension, key, order) in dimensions {
            let grouped = Dictionary(grouping: responses, by: key)
            let values = order ?? grouped.keys.sorted()
            for value in values {
                let members = grouped[value] ?? []
                guard !members.isEmpty else { continue }
                let total = members.count
                let internet = cell(members.filter(\.usesInternet).count, of: total)
                let smartphone = cell(members.filter { isSmartphone($0.device) }.count, of: total)
                result.append(
                    Group(
                        dimension: dimension, value: value, respondents: total >= minimumCell ? total : nil,
                        internetUsers: internet.count, smartphoneOwners: smartphone.count, internetShare: internet.share,
                        smartphoneShare: smartphone.share))
            }
        }
        return result
    }

    /// The aggregates as CSV, suppressed cells written as "<5".
    package static func csv(_ groups: [Group]) -> String {
        func count(_ value: Int?) -> String { value.map(String.init) ?? "<5" }
        func share(_ value: Double?) -> String { value.map { String(format: "%.1f", $0 * 100) } ?? "" }
        var lines = ["dimension,value,respondents,internet_users,internet_percent,smartphone_owners,smartphone_percent"]
        for group in groups {
            let value = group.value.contains(",") ? "\"\(group.value.replacingOccurrences(of: "\"", with: "\"\""))\"" : group.value
            lines.append(
                [
                    group.dimension, value, count(group.respondents), count(group.internetUsers), share(group.internetShare),
                    count(group.smartphoneOwners), share(group.smartphoneShare),
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
