// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// Drawings made on the server: a map of centres from their coordinates and bar charts of monthly results.
/// Plain SVG in the page: no tiles, no script, no extra request.
enum SVG {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    struct Point {
        let latitude: Double
        let longitude: Double
        /// Open (filled) or planned (hollow).
        let filled: Bool
    }

    /// Equirectangular projection (longitudes shrunk by the cosine of the mean latitude) of the country's outline and
    /// the points together, its regions' boundaries inside; without an outline, of the points' bounding box with a
    /// one-degree graticule for orientation. The drawing keeps its proportions within `width` × `maxHeight`.
    static func map(_ points: [Point], title: String, outline: MapOutlines.Country? = nil, width: Double = 560, maxHeight: Double = 520) -> String {
        let shape = outline?.bounds
        let latitudes = points.map(\.latitude) + (shape.map { [$0.minLatitude, $0.maxLatitude] } ?? [])
        let longitudes = points.map(\.longitude) + (shape.map { [$0.minLongitude, $0.maxLongitude] } ?? [])
        guard let lowestLat = latitudes.min(), let highestLat = latitudes.max(), let lowestLon = longitudes.min(), let highestLon = longitudes.max()
        else {
            return ""
        }
        let margin = shape == nil ? 0.4 : 0.15
        let minLat = lowestLat - margin
        let maxLat = highestLat + margin
        let minLon = lowestLon - margin
        let maxLon = highestLon + margin
        let shrink = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = max((maxLon - minLon) * shrink, 0.5)
        let spanY = max(maxLat - minLat, 0.5)
        let scale = min(width / spanX, maxHeight / spanY)
        let boxWidth = (spanX * scale).rounded()
        let height = (spanY * scale).rounded()
        func x(_ lon: Double) -> Double { (lon - minLon) * shrink * scale }
        func y(_ lat: Double) -> Double { (maxLat - lat) * scale }
        var out =
            "<svg class=\"map\" width=\"100%\" viewBox=\"0 0 \(boxWidth.clampedInt()) \(height.clampedInt())\" "
            + "aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        if let outline, shape != nil {
            let project = { (line: [MapOutlines.Coordinate]) in line.map { (x($0.longitude), y($0.latitude)) } }
            out += "<rect width=\"100%\" height=\"100%\" fill=\"#e4ecf1\"/>"
            out += "<path class=\"country\" d=\"\(path(outline.outline.map(project), closed: true))\" fill=\"#fbfcf7\" fill-rule=\"evenodd\" "
            out += "stroke=\"#4f6f5f\" stroke-width=\"1.5\"/>"
            if !outline.regions.isEmpty {
                out += "<path class=\"regions\" d=\"\(path(outline.regions.map(project), closed: false))\" fill=\"none\" stroke=\"#9db4a6\"/>"
            }
        } else {
            var grid = ""
            for lon in stride(from: minLon.clampedInt(.up), through: maxLon.clampedInt(.down), by: 1) {
                grid += "M\(x(Double(lon)).clampedInt()) 0V\(height.clampedInt())"
            }
            for lat in stride(from: minLat.clampedInt(.up), through: maxLat.clampedInt(.down), by: 1) {
                grid += "M0 \(y(Double(lat)).clampedInt())H\(boxWidth.clampedInt())"
            }
            out += "<rect width=\"100%\" height=\"100%\" fill=\"#eef3f0\"/><path d=\"\(grid)\" stroke=\"#c9d6cf\"/>"
        }
        // Bare points, the open ones filled, the planned ones hollow: the list beside the map names and links each
        // centre, so that the 45 points of a country cost about 35 bytes each rather than a link and a title.
        for filled in [true, false] where points.contains(where: { $0.filled == filled }) {
            out += "<g fill=\"\(filled ? "#005a3c" : "#fff")\" stroke=\"#005a3c\" stroke-width=\"2.5\">"
            for point in points where point.filled == filled {
                out += "<circle cx=\"\(x(point.longitude).clampedInt())\" cy=\"\(y(point.latitude).clampedInt())\" r=\"6\"/>"
            }
            out += "</g>"
        }
        return out + "</svg>"
    }

    /// Lines in whole SVG units: an absolute move to each line's start, then relative steps (`l`), a number's minus sign
    /// doubling as its separator. Repeated points vanish; a closed line ends with `z`.
    static func path(_ lines: [[(Double, Double)]], closed: Bool) -> String {
        var out = ""
        for line in lines {
            let points = line.map { ($0.0.clampedInt(), $0.1.clampedInt()) }
            guard let first = points.first else { continue }
            out += "M\(first.0) \(first.1)"
            var steps: [Int] = []
            var last = first
            for point in points.dropFirst() where point != last {
                steps += [point.0 &- last.0, point.1 &- last.1]
                last = point
            }
            if !steps.isEmpty {
                out += "l"
                for (index, step) in steps.enumerated() {
                    out += index > 0 && step >= 0 ? " \(step)" : "\(step)"
                }
            }
            if closed { out += "z" }
        }
        return out
    }

    /// Vertical bars (0–100 %) per month with the commitment's target as a dashed line. Months without data have no bar.
    static func percentBars(_ values: [(label: String, value: Double?)], target: Double?, title: String) -> String {
        let width = 560.0
        let height = 200.0
        let top = 14.0
        let bottom = 24.0
        let plot = height - top - bottom
        let step = width / Double(max(values.count, 1))
        func y(_ percent: Double) -> Double { top + plot * (1 - percent / 100) }
        var out =
            "<svg class=\"chart\" width=\"100%\" role=\"img\" viewBox=\"0 0 \(number(width)) \(number(height))\" aria-label=\"\(escape(title))\">"
        out += "<path d=\"M0 \(number(y(0)))H\(number(width))\" stroke=\"#4a4a4a\"/>"
        for (index, item) in values.enumerated() {
            let x = Double(index) * step + step * 0.2
            if let value = item.value {
                out += "<rect x=\"\(number(x))\" y=\"\(number(y(value)))\" width=\"\(number(step * 0.6))\" "
                out += "height=\"\(number(y(0) - y(value)))\" fill=\"#005a3c\"/>"
                out += "<text x=\"\(number(x + step * 0.3))\" y=\"\(number(y(value) - 3))\" "
                out += "text-anchor=\"middle\" font-size=\"12\">\(number(value)) %</text>"
            }
            out += "<text x=\"\(number(x + step * 0.3))\" y=\"\(number(height - 6))\" "
            out += "text-anchor=\"middle\" font-size=\"12\">\(escape(item.label))</text>"
        }
        if let target {
            out += "<path d=\"M0 \(number(y(target)))H\(number(width))\" stroke=\"#a14d00\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
        }
        return out + "</svg>"
    }
}
