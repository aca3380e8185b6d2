// SPDX-License-Identifier: MPL-2.0
import Foundation

/// The one set of parsers for numbers and dates that arrive from outside (form fields, query strings, headers, JSON
/// strings). They accept ASCII digits only (`٢٠٢٠`, `２０`, `+5` are refused), bounded lengths and bounded ranges, so
/// nothing parsed here can overflow later arithmetic, and they answer `nil` instead of trapping.
package enum InputParser {
    /// The longest run of digits accepted for an integer: 15 digits stay far from `Int.max` (19 digits), so a bounded
    /// result plus or times a small number cannot overflow.
    package static let maxIntegerDigits = 15

    /// A whole number written with ASCII digits (and a leading `-` when `range` allows negatives), within `range`.
    package static func integer(_ raw: some StringProtocol, in range: ClosedRange<Int>) -> Int? {
        var utf8 = Substring(raw).utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        guard !utf8.isEmpty, utf8.count <= maxIntegerDigits else { return nil }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            // At most 15 digits: value stays below 10^15, far from overflow.
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        if negative { value = -value }
        return range.contains(value) ? value : nil
    }

    /// A whole number ≥ 0 (a page, an offset, a revision), at most `max`.
    package static func natural(_ raw: some StringProtocol, max: Int) -> Int? {
        integer(raw, in: 0...max)
    }

    /// A decimal number: ASCII digits with at most one `.` or `,` as the decimal mark, an optional leading `-`; spaces
    /// (also no-break) between groups of thousands are dropped. No exponent, no `inf`/`nan`; at most 15 digits before
    /// the mark and 6 after; the result lies within `range`.
    package static func decimal(_ raw: some StringProtocol, in range: ClosedRange<Double>) -> Double? {
        var text = String(raw).filter { $0 != " " && $0 != "\u{00A0}" && $0 != "\u{202F}" }
        guard !text.isEmpty, text.utf8.count <= 24 else { return nil }
        var negative = false
        if text.hasPrefix("-") {
            negative = true
            text.removeFirst()
        }
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "," })
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= maxIntegerDigits, isDigits(whole) else { return nil }
        var normalised = String(whole)
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 6, isDigits(fraction) else { return nil }
            normalised += "." + fraction
        }
        guard var value = Double(normalised), value.isFinite else { return nil }
        if negative { value = -value }
        return range.contains(value) ? value : nil
    }

    /// A calendar day written `YYYY-MM-DD`, that exists (no 30 February), between the years 1850 and 2200.
    package static func day(_ raw: some StringProtocol) -> CalendarDay? {
        let text = Substring(raw)
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = integer(parts[0], in: 1850...2200), let month = integer(parts[1], in: 1...12), let day = integer(parts[2], in: 1...31)
        else { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }

    /// `DD/MM/YYYY` (also `DD-MM-YYYY`, `DD.MM.YYYY`, `DD MM YYYY`) or `YYYY-MM-DD`, as people type dates in a form.
    package static func typedDay(_ raw: some StringProtocol) -> CalendarDay? {
        let parts = Substring(raw).split(whereSeparator: { "-/. ".contains($0) })
        guard parts.count == 3, parts.allSatisfy({ $0.count <= 4 && isDigits($0) }) else { return nil }
        let (year, month, day): (Substring, Substring, Substring)
        if parts[0].count == 4 {
            (year, month, day) = (parts[0], parts[1], parts[2])
        } else if parts[2].count == 4 {
            (year, month, day) = (parts[2], parts[1], parts[0])
        } else {
            return nil
        }
        guard let y = integer(year, in: 1850...2200), let m = integer(month, in: 1...12), let d = integer(day, in: 1...31) else { return nil }
        return CalendarDay(year: y, month: m, day: d)
    }

    /// A time of day `HH:MM`, 00:00–23:59.
    package static func timeOfDay(_ raw: some StringProtocol) -> (hour: Int, minute: Int)? {
        let parts = Substring(raw).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = integer(parts[0], in: 0...23),
            let minute = integer(parts[1], in: 0...59)
        else { return nil }
        return (hour, minute)
    }

    package static func isDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

/// A day of the proleptic Gregorian calendar that exists.
package struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let year: Int
    package let month: Int
    package let day: Int

    /// Nil for a day that does not exist (30 February, 31 April…).
    package init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    package static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`.
    package var iso: String {
        let y = String(year)
        let m = String(month)
        let d = String(day)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count < 2 ? "0" : "") + m + "-" + (d.count < 2 ? "0" : "") + d
    }

    package var description: String { iso }

    package static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

extension FormQuery {
    /// The whole number `name` (nil when absent or empty), or a 400 naming it when it is not one within `range`.
    package func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = self[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let value = InputParser.integer(raw, in: range) else { throw AppError.badParameter(name, value: raw) }
        return value
    }

    /// The day `name` (`YYYY-MM-DD`; nil when absent or empty), or a 400 naming it when it is not a day that exists.
    package func day(_ name: String) throws -> CalendarDay? {
        guard let raw = self[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let value = InputParser.day(raw) else { throw AppError.badParameter(name, value: raw) }
        return value
    }
}
