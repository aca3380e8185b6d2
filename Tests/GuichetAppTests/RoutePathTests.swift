// SPDX-License-Identifier: MPL-2.0
import Testing

@testable import GuichetCore

/// A route's links: each parameter replaced in order by one encoded segment, a missing value left empty, extra values
/// ignored; checked against the pattern cut segment by segment for every pattern shape.
@Suite struct RoutePathTests {
    /// The reading of the pattern segment by segment, as links were first built.
    static func bySegments(_ pattern: String, _ values: [String]) -> String {
        guard pattern.contains(":") else { return pattern }
        var index = 0
        return pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.first == ":" else { return String(segment) }
            defer { index += 1 }
            return index < values.count ? Route.encode(segment: values[index]) : ""
        }.joined(separator: "/")
    }

    @Test(arguments: [
        "/ping", "/", "/:id", "/centres/:id", "/centres/:id/kiosk", "/admin/centres/:id/counters/:counter/tickets/:ticket/:action",
        "/a/:x/:y", "/a/:x/:y/", "/api/v1/applications/:reference/files/:field",
    ])
    func fillsEachParameterInOrder(pattern: String) {
        let route = Route(pattern)
        for values in [[], ["one"], ["one", "two"], ["a b/c", "é", "x"], ["1", "2", "3", "4", "5"]] {
            #expect(route.path(values) == Self.bySegments(pattern, values), "\(pattern) with \(values)")
        }
        #expect(Route("/centres/:id/counters/:counter").path("sn-ess-dakar", "sn-ess-dakar.1") == "/centres/sn-ess-dakar/counters/sn-ess-dakar.1")
        #expect(Route("/t/:code").path("a b") == "/t/a%20b")
    }
}
