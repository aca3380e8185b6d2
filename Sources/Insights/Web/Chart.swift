// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Bar charts drawn on the server as inline SVG (no script, no extra request). Every chart stands beside a table that
/// gives the same figures, so the drawing is `aria-hidden` decoration for screen readers and the table is the content.
enum Chart {
    struct Bar {
        let label: String
        /// nil: nothing to show (no data, or a group too small to publish).
        let value: Double?
        /// A second value drawn as a tick over the bar (the 90th percentile).
        var mark: Double? = nil
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(value.clampedInt()) : String(format: "%.1f", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Vertical bars from 0 to the largest value (or `ceiling`), with a dashed line at `target` (the declared time,
    /// a commitment). `unit` follows each value's label (" %", " j").
    static func bars(
        _ bars: [Bar], target: Double? = nil, ceiling: Double? = nil, unit: String = "", format: (Double) -> String = Chart.number
    ) -> String {
        let width = 480.0
        let height = 150.0
        let top = 16.0
        let bottom = 20.0
        let plot = height - top - bottom
        let largest = max(ceiling ?? 0, bars.compactMap { max($0.value ?? 0, $0.mark ?? 0) }.max() ?? 0, target ?? 0, 1)
        let step = width / Double(max(bars.count, 1))
        func y(_ value: Double) -> Int { (top + plot * (1 - min(value, largest) / largest)).clampedInt() }
        var out = "<svg class=\"chart\" width=\"100%\" viewBox=\"0 0 \(width.clampedInt()) \(height.clampedInt())\" aria-hidden=\"true\">"
        out += "<path d=\"M0 \(y(0))H\(width.clampedInt())\" stroke=\"#555\"/>"
        for (index, bar) in bars.enumerated() {
            let x = Double(index) * step + step * 0.25
            let middle = (x + step * 0.25).clampedInt()
            if let value = bar.value {
                out += "<rect x=\"\(x.clampedInt())\" y=\"\(y(value))\" width=\"\((step * 0.5).clampedInt())\" height=\"\(max(y(0) - y(value), 0))\" "
                out += "fill=\"#005a3c\"/>"
                out += "<text x=\"\(middle)\" y=\"\(y(value) - 3)\" text-anchor=\"middle\" font-size=\"11\">"
                out += "\(escape(format(value) + unit))</text>"
            }
            // The mark's value sits at its right, so that it never covers the bar's.
            if let mark = bar.mark {
                out += "<path d=\"M\(x.clampedInt()) \(y(mark))h\((step * 0.5).clampedInt())\" stroke=\"#a14d00\" stroke-width=\"3\"/>"
                // At the right edge, the value goes to the mark's left instead.
                let right = x + step * 0.52 + 36 < width
                out += "<text x=\"\((right ? x + step * 0.52 : x - 2).clampedInt())\" y=\"\(y(mark) + 4)\" font-size=\"10\" fill=\"#a14d00\""
                out += right ? ">" : " text-anchor=\"end\">"
                out += "\(escape(format(mark)))</text>"
            }
            out += "<text x=\"\(middle)\" y=\"\((height - 5).clampedInt())\" text-anchor=\"middle\" font-size=\"11\">\(escape(bar.label))</text>"
        }
        if let target {
            out += "<path d=\"M0 \(y(target))H\(width.clampedInt())\" stroke=\"#a14d00\" stroke-dasharray=\"6 4\"/>"
        }
        return out + "</svg>"
    }
}
