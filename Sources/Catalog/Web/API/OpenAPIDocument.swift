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
}
