// SPDX-License-Identifier: MPL-2.0
import Foundation
import HTTPTypes
import Hummingbird

/// A route named once. Its pattern (`/centres/:id/kiosk`) registers the handler; `path(_:)` fills the pattern's
/// parameters in order to build links and redirects; tests use the same value. Each feature declares its routes as
/// static members of one `…Route` namespace, and a feature never spells another's paths (it asks a port).
package struct Route: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as the router reads it: literal segments, `:name` parameters, `*` and `**` wildcards.
    package let pattern: String
    /// The parameters' names, in order (`["id", "counter"]`).
    package let parameters: [String]
    /// The text around the parameters, cut once (`/centres/`, `/kiosk` for `/centres/:id/kiosk`): one more than the
    /// parameters. A page with many links (an agent's console) builds hundreds of them.
    private let literals: [String]

    package init(_ pattern: String) {
        self.pattern = pattern
        self.parameters = pattern.split(separator: "/").compactMap { $0.first == ":" ? String($0.dropFirst()) : nil }
        var literals: [String] = []
        var current = ""
        for (index, segment) in pattern.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { current += "/" }
            if segment.first == ":" {
                literals.append(current)
                current = ""
            } else {
                current += segment
            }
        }
        literals.append(current)
        self.literals = literals
    }

    package var description: String { pattern }
    package var routerPath: RouterPath { RouterPath(pattern) }

    /// The path with each parameter replaced, in order, by a value encoded as one path segment. Values beyond the
    /// pattern's parameters are ignored; a missing value leaves an empty segment (a 404, never another page).
    package func path(_ values: String...) -> String { path(values) }

    package func path(_ values: [String]) -> String {
        guard !parameters.isEmpty else { return pattern }
        var path = ""
        for (index, literal) in literals.enumerated() {
            if index > 0, index <= values.count { path += Route.encode(segment: values[index - 1]) }
            path += literal
        }
        return path
    }

    /// A value made safe as one path segment: letters, digits and `-._~` stay, everything else is percent-encoded.
    package static func encode(segment: String) -> String {
        // Most values (ids, codes) need no encoding: checked on the bytes, without Foundation's encoder.
        if !segment.isEmpty, segment.utf8.allSatisfy(isUnreserved) { return segment }
        return segment.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? ""
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        default: false
        }
    }

    private static let segmentCharacters: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return set
    }()
}

extension RouterMethods {
    /// Registers a handler for GET on a named route.
    @discardableResult
    package func get(_ route: Route, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        on(route.routerPath, method: .get, use: handler)
    }

    @discardableResult
    package func post(_ route: Route, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        on(route.routerPath, method: .post, use: handler)
    }

    @discardableResult
    package func put(_ route: Route, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        on(route.routerPath, method: .put, use: handler)
    }

    @discardableResult
    package func delete(_ route: Route, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        on(route.routerPath, method: .delete, use: handler)
    }

    @discardableResult
    package func patch(_ route: Route, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        on(route.routerPath, method: .patch, use: handler)
    }
}
