// SPDX-License-Identifier: MPL-2.0
import Foundation
import Yams

package enum CatalogFormat: String, Sendable, CaseIterable {
    case yaml, json

    package init(path: String) {
        self = path.lowercased().hasSuffix(".json") ? .json : .yaml
    }
}

/// Reads and writes the catalogue interchange format. Decoding errors name the entry and field.
package enum CatalogCodec {
    package static func decode(_ data: Data, format: CatalogFormat) throws -> CatalogDocument {
        do {
            switch format {
            case .json:
                return try JSONDecoder().decode(CatalogDocument.self, from: data)
            case .yaml:
                guard let text = String(data: data, encoding: .utf8) else {
                    throw CatalogValidationError(issues: [CatalogIssue(path: "(file)", message: "is not UTF-8 text")])
                }
                return try YAMLDecoder().decode(CatalogDocument.self, from: text)
            }
        } catch let error as DecodingError {
            throw CatalogValidationError(issues: [issue(from: error)])
        } catch let error as YamlError {
            throw CatalogValidationError(issues: [CatalogIssue(path: "(file)", message: "not valid YAML: \(error)")])
        }
    }

    package static func encode(_ document: CatalogDocument, format: CatalogFormat) throws -> Data {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var data = try encoder.encode(document)
            data.append(0x0A)
            return data
        case .yaml:
            let encoder = YAMLEncoder()
            encoder.options = .init(width: -1, allowUnicode: true, sortKeys: false)
            return Data(try encoder.encode(document).utf8)
        }
    }

    static func issue(from error: DecodingError) -> CatalogIssue {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "(file)" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            let base = path(context.codingPath)
            return CatalogIssue(path: base == "(file)" ? key.stringValue : "\(base).\(key.stringValue)", message: "is required")
        case .typeMismatch(let type, let context):
            return CatalogIssue(path: path(context.codingPath), message: "expected \(type)")
        case .valueNotFound(let type, let context):
            return CatalogIssue(path: path(context.codingPath), message: "expected \(type), found nothing")
        case .dataCorrupted(let context):
            return CatalogIssue(path: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return CatalogIssue(path: "(file)", message: "\(error)")
        }
    }
}
