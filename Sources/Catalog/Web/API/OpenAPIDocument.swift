// SPDX-License-Identifier: MPL-2.0
import Foundation

/// The API's OpenAPI document: the catalogue's own, with the other features' parts (`paths`, `components`, `tags`)
/// merged in.
enum OpenAPIDocument {
    static func merged(base: URL, fragments: [URL]) throws -> Data {
        guard !fragments.isEmpty else { return try Data(contentsOf: base) }
        guard var document = try JSONSerialization.jsonObject(with: Data(contentsOf: base)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        for fragment in fragments {
            guard let part = try JSONSerialization.jsonObject(with: Data(contentsOf: fragment)) as? [String: Any] else {
                throw CocoaError(.fileReadCorruptFile)
            }
            for section in ["paths"] {
                var merged = document[section] as? [String: Any] ?? [:]
                for (key, value) in part[section] as? [String: Any] ?? [:] { merged[key] = value }
                document[section] = merged
            }
            var components = document["components"] as? [String: Any] ?? [:]
            for (kind, entries) in part["components"] as? [String: Any] ?? [:] {
                var merged = components[kind] as? [String: Any] ?? [:]
                for (key, value) in entries as? [String: Any] ?? [:] { merged[key] = value }
                components[kind] = merged
            }
            document["components"] = components
            if let tags = part["tags"] as? [Any] { document["tags"] = (document["tags"] as? [Any] ?? []) + tags }
        }
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The operations whose `country` query parameter must name a country of the catalogue (any case; empty is none).
    static let countryFiltered: Set<String> = ["/api/v1/institutions", "/api/v1/procedures", "/api/v1/search", "/api/v1/centres"]

    /// The document with those `country` parameters restricted to `countries` (`^(|[Ss][Nn]|[Tt][Gg])$`), as the server
    /// checks them; unchanged when it cannot be read.
    static func declaringCountries(_ data: Data, _ countries: [String]) -> Data {
        guard var document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], var paths = document["paths"] as? [String: Any]
        else { return data }
        let alternatives = countries.sorted().map { code in code.map { "[\($0.uppercased())\($0.lowercased())]" }.joined() }
        let pattern = "^(|" + alternatives.joined(separator: "|") + ")$"
        for path in countryFiltered {
            guard var operations = paths[path] as? [String: Any], var get = operations["get"] as? [String: Any],
                let parameters = get["parameters"] as? [[String: Any]]
            else { continue }
            get["parameters"] = parameters.map { parameter -> [String: Any] in
                guard parameter["name"] as? String == "country", parameter["in"] as? String == "query" else { return parameter }
                var changed = parameter
                changed["schema"] = ["type": "string", "pattern": pattern]
                return changed
            }
            operations["get"] = get
            paths[path] = operations
        }
        document["paths"] = paths
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? data
    }
}
