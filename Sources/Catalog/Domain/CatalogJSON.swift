// SPDX-License-Identifier: MPL-2.0
import Foundation

/// How catalogue values are stored as JSON: sorted keys, so that an unchanged value is the same text (imports compare
/// texts to skip unchanged rows, and differences flatten the same text).
enum CatalogJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
