// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Stored times are ISO 8601 strings in UTC (`AuditLog.timestamp`); pages read them back as `Date`s and format them,
/// never by cutting the string.
package enum Timestamps {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// A stored ISO 8601 time, with or without fractional seconds; nil when there is none or it is not one.
    package static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        return (try? Date(text, strategy: withFraction)) ?? (try? Date(text, strategy: withoutFraction))
    }

    /// The UTC calendar day of a date, as `2027-06-01`.
    package static func day(_ date: Date) -> String {
        let c = Calendar.utc.dateComponents([.year, .month, .day], from: date)
        return digits(c.year ?? 0, 4) + "-" + digits(c.month ?? 0, 2) + "-" + digits(c.day ?? 0, 2)
    }

    /// `number` with leading zeros to `width` digits (String(format:) costs a formatter each call).
    package static func digits(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

extension PageContext {
    /// `2026-12-02 10:15 UTC`: a time to the minute, as the back office shows it.
    package func minute(_ date: Date) -> String {
        let c = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return Timestamps.digits(c.year ?? 0, 4) + "-" + Timestamps.digits(c.month ?? 0, 2) + "-" + Timestamps.digits(c.day ?? 0, 2) + " "
            + Timestamps.digits(c.hour ?? 0, 2) + ":" + Timestamps.digits(c.minute ?? 0, 2)
    }

    /// A stored time to the minute; the text itself when it is not a time.
    package func minute(stored text: String) -> String { Timestamps.parse(text).map { minute($0) } ?? text }

    /// `2026-12-02`.
    package func day(_ date: Date) -> String { Timestamps.day(date) }

    package func day(stored text: String) -> String { Timestamps.parse(text).map { day($0) } ?? text }
}

extension Calendar {
    /// The Gregorian calendar in UTC, in which stored times are written.
    package static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()
}
