// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Two versions of a procedure side by side: every field is flattened to a readable path
/// (`blocks[0].steps[2].costs[0].amount`) and the paths whose values differ are listed with both values.
package struct ProcedureDiff: Sendable {
    package struct Line: Sendable, Equatable {
        package var path: String
        package var before: String?
        package var after: String?
    }

    package var lines: [Line]
    package var unchanged: Int

    package init(from old: Procedure?, to new: Procedure) throws {
        let before = try old.map(Self.flatten) ?? [:]
        let after = try Self.flatten(new)
        var lines: [Line] = []
        var unchanged = 0
        for path in Set(before.keys).union(after.keys).sorted(by: Self.pathOrder) {
            if before[path] == after[path] { unchanged += 1 } else { lines.append(Line(path: path, before: before[path], after: after[path])) }
        }
        self.lines = lines
        self.unchanged = unchanged
    }

    static func flatten(_ procedure: Procedure) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: try CatalogJSON.encoder.encode(procedure))
        var result: [String: String] = [:]
        func walk(_ value: Any, _ path: String) {
            switch value {
            case let dictionary as [String: Any]:
                for (key, child) in dictionary { walk(child, path.isEmpty ? key : "\(path).\(key)") }
            case let array as [Any]:
                for (index, child) in array.enumerated() { walk(child, "\(path)[\(index)]") }
            case let flag as Bool where type(of: value) == type(of: true) || String(describing: type(of: value)).contains("Bool"):
                result[path] = flag ? "true" : "false"
            case let number as NSNumber:
                result[path] = number.stringValue
            case is NSNull: break
            default: result[path] = "\(value)"
            }
        }
        walk(object, "")
        return result
    }

    /// Paths in reading order: numbers compared as numbers (`steps[10]` after `steps[9]`).
    static func pathOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric]) == .orderedAscending
    }
}
