// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The statistics API of the GovStack Registration building block: applications processed (decided), approved, sent
/// back and rejected, over a period (`startDate`–`endDate`, UTC days, 30 days to today by default), as one item or one per
/// day, week (ISO, Monday first), month or year. A count of 1 to 4 is left out, as on the published results. Operators
/// are not published: filtering by `operator` or `role` is refused (400).
extension GovStackController {
    struct StatisticsDTO: Encodable, Equatable {
        struct References: Encodable, Equatable {
            let startDate: String
            let endDate: String
            let registrationName: String?
            let timeframeDay: Bool
            let timeframeWeek: Bool
            let timeframeMonth: Bool
            let timeframeYear: Bool
        }

        let processed: Int?
        let approved: Int?
        let sentBack: Int?
        let rejected: Int?
        let references: References
    }

    enum Timeframe: String, CaseIterable {
        case day, week, month, year
    }

    /// At most this many items in one answer.
    static let maxBuckets = 400

    @Sendable func statistics(_ request: Request, context: AppRequestContext) async throws -> Response {
        for name in ["operator", "role"] where !(request.form[name] ?? "").isEmpty {
            // An empty value asks for nothing and is accepted, as the OpenAPI document says (`maxLength: 0`).
            throw AppError.badParameter(name, code: "not_published", value: request.form[name] ?? "")
        }
        let today = Calendar.utc.startOfDay(for: clock.now)
        func day(_ name: String) throws -> Date? {
            guard let raw = request.form[name] else { return nil }
            guard let parsed = InputParser.day(raw),
                let date = Calendar.utc.date(from: DateComponents(year: parsed.year, month: parsed.month, day: parsed.day))
            else { throw AppError.badParameter(name, value: raw) }
            return date
        }
        let end = try day("endDate") ?? today
        let start = try day("startDate") ?? end.addingTimeInterval(-29 * 86_400)
        guard start <= end else { throw AppError.badParameter("startDate", value: request.form["startDate"] ?? "") }
        var timeframe: Timeframe?
        if let raw = request.form["timeframe"], !raw.isEmpty {
            guard let value = Timeframe(rawValue: raw) else { throw AppError.badParameter("timeframe", value: raw) }
            timeframe = value
        }
        let buckets = try Self.buckets(from: start, through: end, timeframe: timeframe)
        var facts = try await applications.applications(from: start, until: end.addingTimeInterval(86_400))
        let name = try Self.nameFilter(request, parameter: "registrationName")
        if !name.isEmpty {
            // A service is named by its procedure's id, its GovStack id or its title.
            let matching = try await executable().filter { id, procedure in
                id == name.lowercased() || procedure.id == name || procedure.title.fr == name || procedure.title.en == name
            }
            let ids = Set(matching.values.map(\.id))
            facts = facts.filter { ids.contains($0.procedureId) }
        }
        let items = buckets.map { bucket in
            let within = { (date: Date?) in date.map { $0 >= bucket.start && $0 < bucket.end } ?? false }
            let decided = facts.filter { within($0.decidedAt) }
            return StatisticsDTO(
                processed: Disclosure.count(decided.count), approved: Disclosure.count(decided.filter { $0.approved == true }.count),
                sentBack: Disclosure.count(facts.filter { within($0.sentBackAt) }.count),
                rejected: Disclosure.count(decided.filter { $0.approved == false }.count),
                references: .init(
                    startDate: Timestamps.day(bucket.start), endDate: Timestamps.day(bucket.end.addingTimeInterval(-86_400)),
                    registrationName: name.isEmpty ? nil : name, timeframeDay: timeframe == .day, timeframeWeek: timeframe == .week,
                    timeframeMonth: timeframe == .month, timeframeYear: timeframe == .year))
        }
        return try Self.json(items)
    }

    /// The periods from `start` to `end` (both whole UTC days), cut by the timeframe; the first and last may be partial.
    static func buckets(from start: Date, through end: Date, timeframe: Timeframe?) throws -> [(start: Date, end: Date)] {
        let stop = end.addingTimeInterval(86_400)
        guard let timeframe else { return [(start, stop)] }
        var calendar = Calendar.utc
        calendar.firstWeekday = 2
        let component: Calendar.Component = [.day: .day, .week: .weekOfYear, .month: .month, .year: .year][timeframe] ?? .day
        var buckets: [(start: Date, end: Date)] = []
        var from = start
        while from < stop {
            guard buckets.count < maxBuckets else { throw AppError.badParameter("timeframe", code: "too_many_periods", value: timeframe.rawValue) }
            let period = calendar.dateInterval(of: component, for: from)
            let next = min(period?.end ?? stop, stop)
            guard next > from else { break }
            buckets.append((from, next))
            from = next
        }
        return buckets
    }
}
