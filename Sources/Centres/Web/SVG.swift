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
        let label: String
        let href: String
        let filled: Bool
    }

    /// Equirectangular projection of the points' bounding box (longitudes shrunk by the cosine of the mean latitude),
    /// with a one-degree graticule for orientation.
    static func map(_ points: [Point], title: String, width: Double = 560) -> String {
        let latitudes = points.map(\.latitude)
        let longitudes = points.map(\.longitude)
        guard let lowestLat = latitudes.min(), let highestLat = latitudes.max(), let lowestLon = longitudes.min(), let highestLon = longitudes.max()
        else {
            return ""
        }
        let margin = 0.4
        let minLat = lowestLat - margin
        let maxLat = highestLat + margin
        let minLon = lowestLon - margin
        let maxLon = highestLon + margin
        let shrink = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = max((maxLon - minLon) * shrink, 0.5)
        let spanY = max(maxLat - minLat, 0.5)
        let scale = width / spanX
        let height = min(max(spanY * scale, 160), 640)
        let yScale = height / spanY
        func x(_ lon: Double) -> Double { (lon - minLon) * shrink * scale }
        func y(_ lat: Double) -> Double { (maxLat - lat) * yScale }
        var out =
            "<svg class=\"map\" width=\"100%\" viewBox=\"0 0 \(width.clampedInt(.towardZero)) \(height.clampedInt())\" "
            + "aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        var grid = ""
        for lon in stride(from: minLon.clampedInt(.up), through: maxLon.clampedInt(.down), by: 1) {
            grid += "M\(x(Double(lon)).clampedInt()) 0V\(height.clampedInt())"
        }
        for lat in stride(from: minLat.clampedInt(.up), through: maxLat.clampedInt(.down), by: 1) {
            grid += "M0 \(y(Double(lat)).clampedInt())H\(width.clampedInt(.towardZero))"
        }
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#eef3f0\"/><path d=\"\(grid)\" stroke=\"#c9d6cf\"/>"
        // One group carries the points' style (hollow: planned), so that 51 points stay small.
        out += "<g fill=\"#fff\" stroke=\"#005a3c\" stroke-width=\"2.5\">"
        for point in points {
            out += "<a href=\"\(escape(point.href))\"><title>\(escape(point.label))</title><circle"
            out += point.filled ? " fill=\"#005a3c\"" : ""
            out += " cx=\"\(x(point.longitude).clampedInt())\" cy=\"\(y(point.latitude).clampedInt())\" r=\"6\"/></a>"
        }
        return out + "</g></svg>"
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
