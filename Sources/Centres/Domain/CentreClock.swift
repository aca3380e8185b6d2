// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// Times are stored as UTC ISO 8601 strings with milliseconds (`2026-03-02T09:00:00.000Z`, the audit log's format) and
/// shown in the centre's time zone. Pages and rules work on `Date`s; only the store reads and writes the strings.
package enum CentreClock {
    /// The stored form of `date`, to the nearest millisecond, so that `stamp(Timestamps.parse(text))` gives `text` back (a
    /// formatter that truncates loses a millisecond about half the time on a parsed date).
    package static func stamp(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0,
            parts.second ?? 0, (milliseconds - seconds * 1000).clampedInt())
    }

    static let utc = Calendar.utc

    package static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// The local date `YYYY-MM-DD` of `date` in `zone` (queues are numbered per local day).
    package static func day(_ date: Date, in zone: TimeZone) -> String {
        let parts = calendar(zone).dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// ISO weekday of `date` in `zone`: 1 Monday … 7 Sunday.
    package static func weekday(_ date: Date, in zone: TimeZone) -> Int {
        let gregorian = calendar(zone).component(.weekday, from: date)  // 1 Sunday … 7 Saturday
        return gregorian == 1 ? 7 : gregorian - 1
    }

    /// Is a centre with these hours (in its own time zone) open at `date`, its exceptional closures apart?
    package static func isOpen(at date: Date, in zone: TimeZone, hours: [OpeningSpan], closedDays: Set<String>) -> Bool {
        guard !closedDays.contains(Self.day(date, in: zone)) else { return false }
        let today = Self.weekday(date, in: zone)
        let minute = Self.minutesOfDay(date, in: zone)
        return hours.contains { $0.weekday == today && $0.opens <= minute && minute < $0.closes }
    }

    package static func minutesOfDay(_ date: Date, in zone: TimeZone) -> Int {
        let parts = calendar(zone).dateComponents([.hour, .minute], from: date)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }

    /// `HH:MM` local time of a stored UTC time.
    package static func localTime(_ date: Date, in zone: TimeZone) -> String {
        let minutes = minutesOfDay(date, in: zone)
        return hhmm(minutes)
    }

    /// `08:30`, without `String(format:)` (a formatter each call: the procedure page lists every place's hours).
    package static func hhmm(_ minutes: Int) -> String { Timestamps.digits(minutes / 60, 2) + ":" + Timestamps.digits(minutes % 60, 2) }

    package static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...24).contains(hours), (0..<60).contains(minutes),
            hours * 60 + minutes <= 24 * 60
        else { return nil }
        return hours * 60 + minutes
    }

    /// UTC offset as people read it: `UTC+1`, `UTC+0`.
    package static func offsetLabel(_ zone: TimeZone, at date: Date) -> String {
        let seconds = zone.secondsFromGMT(for: date)
        let hours = seconds / 3600
        let minutes = abs(seconds % 3600) / 60
        return "UTC" + (hours >= 0 ? "+" : "") + String(hours) + (minutes == 0 ? "" : String(format: ":%02d", minutes))
    }

    /// The month `YYYY-MM` of `date` in `zone`, and the UTC instants where it starts and ends.
    package static func monthBounds(_ month: String, in zone: TimeZone) -> (start: Date, end: Date)? {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), let number = Int(parts[1]), (1...12).contains(number) else { return nil }
        let calendar = calendar(zone)
        guard let start = calendar.date(from: DateComponents(year: year, month: number, day: 1)),
            let end = calendar.date(byAdding: .month, value: 1, to: start)
        else { return nil }
        return (start, end)
    }

    /// The local month `YYYY-MM` of `date` in `zone`.
    package static func month(_ date: Date, in zone: TimeZone) -> String {
        let parts = calendar(zone).dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
    }
}
