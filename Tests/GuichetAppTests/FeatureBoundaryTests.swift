// SPDX-License-Identifier: MPL-2.0
import Foundation
import Testing

/// Features meet through ports: a feature never reads or writes another feature's tables and never spells another
/// feature's paths. These tests read the sources, so that a new cross-feature query or link fails the suite.
@Suite struct FeatureBoundaryTests {
    static let features = ["Audit", "Catalog", "Accounts", "Applications", "Centres", "Ecosystem"]
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every Swift file of a target, with its text.
    static func files(of target: String) throws -> [(name: String, text: String)] {
        let folder = sources.appendingPathComponent(target)
        let urls = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return try urls.filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }.map {
            (String($0.path.dropFirst(sources.path.count + 1)), try String(contentsOf: $0, encoding: .utf8))
        }
    }

    /// The tables each feature creates (its migrations) and the model types that map them.
    static func ownership() throws -> (tables: [String: String], models: [String: String]) {
        var tables: [String: String] = [:]
        var models: [String: String] = [:]
        for feature in features {
            for file in try files(of: feature) {
                let declared = file.text.matches(
                    of: /schema\("([a-z_]+)"\)|static let schema = "([a-z_]+)"|CREATE (?:VIRTUAL )?TABLE (?:IF NOT EXISTS )?([a-z_]+)/)
                for match in declared {
                    if let table = match.1 ?? match.2 ?? match.3 { tables[String(table)] = tables[String(table)] ?? feature }
                }
                for match in file.text.matches(of: /(?:final )?class ([A-Za-z]+): Model\b/) { models[String(match.1)] = feature }
            }
        }
        return (tables, models)
    }

    @Test func noFeatureReadsAnotherFeaturesTables() throws {
        let (tables, models) = try Self.ownership()
        #expect(tables["users"] == "Accounts" && tables["procedures"] == "Catalog" && tables["centre_tickets"] == "Centres")
        #expect(tables.count >= 40, "the scan found \(tables.count) tables: has the way migrations are written changed?")
        // SQL text (`FROM x`, `JOIN x`, `INTO x`, `UPDATE x`) and SQLKit builders (`.from("x")`, `.insert(into: "x")`…).
        let reference =
            /\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+"?([a-z_]+)"?|\.(?:from|join|update|insert|delete|schema|on)\(\s*(?:into:\s*|from:\s*)?"([a-z_]+)"/
            .ignoresCase()
        var crossings: [String] = []
        for feature in Self.features {
            for file in try Self.files(of: feature) {
                for match in file.text.matches(of: reference) {
                    guard let name = (match.1 ?? match.2).map(String.init), let owner = tables[name], owner != feature else { continue }
                    crossings.append("\(file.name) uses the table \(name) of \(owner)")
                }
                for (model, owner) in models where owner != feature && file.text.contains(model + ".") {
                    crossings.append("\(file.name) uses the model \(model) of \(owner)")
                }
            }
        }
        #expect(crossings.isEmpty, "\(crossings.joined(separator: "\n"))")
    }

    @Test func noFeatureSpellsAnotherFeaturesPaths() throws {
        // Each feature's routes, as their literal part before the first parameter.
        var prefixes: [String: [String]] = [:]
        for feature in Self.features {
            for file in try Self.files(of: feature) {
                for match in file.text.matches(of: /Route\("(\/[^"]*)"\)/) {
                    let pattern = String(match.1)
                    let literal = pattern.split(separator: ":", maxSplits: 1).first.map(String.init) ?? pattern
                    prefixes[feature, default: []].append(literal.hasSuffix("/") && literal.count > 1 ? String(literal.dropLast()) : literal)
                }
            }
        }
        #expect((prefixes["Centres"]?.count ?? 0) >= 10, "no Route(…) found in Centres: are routes still declared with Route?")
        var crossings: [String] = []
        for feature in Self.features {
            let own = prefixes[feature] ?? []
            for file in try Self.files(of: feature) {
                for match in file.text.matches(of: /"(\/[a-z][^"\\ ]*)/) {
                    let literal = String(match.1)
                    for (owner, theirs) in prefixes where owner != feature {
                        // Another feature's route spelt here, unless this feature owns routes under the same prefix.
                        for prefix in theirs
                        where prefix.count > 1 && literal.hasPrefix(prefix)
                            && (literal.count == prefix.count || literal.dropFirst(prefix.count).first == "/")
                            && !own.contains(where: { $0.hasPrefix(prefix) || prefix.hasPrefix($0) && $0.count > 1 })
                        {
                            crossings.append("\(file.name) spells \(literal), a path of \(owner)")
                        }
                    }
                }
            }
        }
        #expect(crossings.isEmpty, "\(crossings.joined(separator: "\n"))")
    }
}
