// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetTesting
import HTTPTypes

/// A registered route, its parameters, and what the demo's pages taught about it: ids that exist, the fields of its forms.
struct FuzzRoute: Sendable {
    let method: HTTPRequest.Method
    /// As the router describes it: `/procedures/{id}/apply`.
    let pattern: String
    let parameters: [String]
    private let segments: [Substring]

    init(method: HTTPRequest.Method, pattern: String) {
        self.method = method
        self.pattern = pattern
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true)
        parameters = segments.compactMap { Self.parameter(in: $0) }
    }

    var isAPI: Bool { pattern.hasPrefix("/api/") }
    var isAdmin: Bool { pattern.hasPrefix("/admin") && pattern != "/admin/sign-in" }

    /// `{id}` → `id`; a bare `*` is a parameter too.
    static func parameter(in segment: Substring) -> String? {
        if segment == "*" { return "*" }
        guard let open = segment.firstIndex(of: "{"), let close = segment.firstIndex(of: "}") else { return nil }
        return String(segment[segment.index(after: open)..<close])
    }

    /// The path with each parameter replaced, in order (values already URI-ready).
    func path(_ values: [String]) -> String {
        var index = 0
        var parts: [String] = []
        for segment in segments {
            guard let name = Self.parameter(in: segment) else {
                parts.append(String(segment))
                continue
            }
            let value = index < values.count ? values[index] : "x"
            index += 1
            parts.append(name == "*" ? value : segment.replacingOccurrences(of: "{\(name)}", with: value))
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The parameter values of `path` when it is this route (nil otherwise); only whole-segment parameters.
    func match(_ path: String) -> [String]? {
        let given = path.split(separator: "/", omittingEmptySubsequences: true)
        guard given.count == segments.count else { return nil }
        var values: [String] = []
        for (pattern, segment) in zip(segments, given) {
            if Self.parameter(in: pattern) != nil {
                guard pattern.first == "{" && pattern.last == "}" || pattern == "*" else { return nil }
                values.append(String(segment))
            } else if pattern != segment {
                return nil
            }
        }
        return values
    }
}

/// What the demo's pages link to and which fields their forms hold, learnt by reading them as a visitor and an administrator.
struct DemoMap: Sendable {
    /// Parameter values seen in links, by route pattern.
    var values: [String: [String]] = [:]
    /// Parameter values by the literal segment before them (`centres` → `sn-ess-dakar`), for routes no link names.
    var byContext: [String: String] = [:]
    /// Field names of the forms whose action is this pattern.
    var fields: [String: Set<String>] = [:]

    static var links: Regex<(Substring, Substring)> { /(?:href|action)="(\/[^"]*)"/ }
    static var names: Regex<(Substring, Substring)> { /name="([^"]+)"/ }

    /// Most specific first: `/admin/applications/assisted` before `/admin/applications/{id}`.
    static func route(for path: String, among patterns: [FuzzRoute]) -> (FuzzRoute, [String])? {
        patterns.compactMap { route in route.match(path).map { (route, $0) } }.min { $0.1.count < $1.1.count }
    }

    static func clean(_ link: Substring) -> String {
        let unescaped = link.replacingOccurrences(of: "&amp;", with: "&")
        return String(unescaped.prefix { $0 != "?" && $0 != "#" })
    }

    mutating func learn(path: String, html: String, routes: [FuzzRoute]) -> [String] {
        var found: [String] = []
        for match in html.matches(of: Self.links) {
            let link = Self.clean(match.1)
            guard !link.hasPrefix("//"), let (route, values) = Self.route(for: link, among: routes) else { continue }
            found.append(link)
            if values.isEmpty == false, values.allSatisfy({ !$0.isEmpty }), self.values[route.pattern] == nil { self.values[route.pattern] = values }
            let segments = route.pattern.split(separator: "/")
            for (index, segment) in segments.enumerated() where FuzzRoute.parameter(in: segment) != nil && index > 0 {
                let position = segments[..<index].filter { FuzzRoute.parameter(in: $0) != nil }.count
                let context = String(segments[index - 1])
                if position < values.count, byContext[context] == nil { byContext[context] = values[position] }
            }
        }
        for form in html.split(separator: "<form").dropFirst() {
            let body = form.range(of: "</form>").map { form[..<$0.lowerBound] } ?? form
            let action = body.firstMatch(of: /action="([^"]*)"/).map { Self.clean($0.1) } ?? path
            guard let (route, _) = Self.route(for: action.isEmpty ? path : action, among: routes) else { continue }
            fields[route.pattern, default: []].formUnion(body.matches(of: Self.names).map { String($0.1) }.filter { $0 != "_csrf" })
        }
        return found
    }

    /// Values for `route`'s parameters that the demo holds where known.
    func validValues(_ route: FuzzRoute) -> [String] {
        if let known = values[route.pattern], known.count == route.parameters.count { return known }
        let segments = route.pattern.split(separator: "/")
        return segments.indices.compactMap { index in
            guard FuzzRoute.parameter(in: segments[index]) != nil else { return nil }
            return index > 0 ? byContext[String(segments[index - 1])] ?? "demo" : "demo"
        }
    }

    /// Reads pages breadth first from `seeds`, as `session`, up to `limit` pages.
    mutating func crawl(_ session: TestSession, seeds: [String], routes: [FuzzRoute], limit: Int) async throws {
        let readable = routes.filter { $0.method == .get }
        var queue = seeds
        var seen = Set(seeds)
        var patterns = Set(seeds.compactMap { Self.route(for: $0, among: readable)?.0.pattern })
        var read = 0
        while !queue.isEmpty, read < limit {
            let path = queue.removeFirst()
            read += 1
            let response = try await session.get(path)
            guard response.status == .ok, response.headers[.contentType]?.hasPrefix("text/html") == true else { continue }
            for link in learn(path: path, html: response.text, routes: routes) where !seen.contains(link) {
                // One page per route is enough to learn its links.
                guard let (route, _) = Self.route(for: link, among: readable), !patterns.contains(route.pattern) else { continue }
                seen.insert(link)
                patterns.insert(route.pattern)
                queue.append(link)
            }
        }
    }
}
