// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// Published figures never describe fewer than this many applications, tickets or answers (as the surveys already do).
enum Disclosure {
    static let minimumGroup = 5

    /// A count as published: nil (shown "< 5") for 1 to 4; zero and larger counts as they are.
    static func count(_ value: Int) -> Int? { (1..<minimumGroup).contains(value) ? nil : value }

    /// Whether figures computed over `size` items may be published.
    static func allows(_ size: Int) -> Bool { size >= minimumGroup }
}

/// Calendar months in UTC ("2026-11"), in which the applications' results are counted.
enum Months {
    /// The `count` months ending with the month of `date`, oldest first.
    static func ending(at date: Date, count: Int) -> [String] {
        let parts = Calendar.utc.dateComponents([.year, .month], from: date)
        guard let year = parts.year, let month = parts.month, count > 0 else { return [] }
        return (0..<count).reversed().map { back in
            let index = year * 12 + (month - 1) - back
            return String(format: "%04d-%02d", index / 12, index % 12 + 1)
        }
    }

    static func month(_ date: Date) -> String {
        let parts = Calendar.utc.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
    }

    /// The first instant of the month ("2026-11"), UTC; nil when it is not a month.
    static func start(_ month: String) -> Date? {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let year = InputParser.integer(String(parts[0]), in: 1970...9999),
            let number = InputParser.integer(String(parts[1]), in: 1...12)
        else { return nil }
        return Calendar.utc.date(from: DateComponents(year: year, month: number, day: 1))
    }

    /// The first instant after the month.
    static func end(_ month: String) -> Date? {
        start(month).flatMap { Calendar.utc.date(byAdding: .month, value: 1, to: $0) }
    }
}

/// One month of a group of applications (a country, an institution, a procedure): filed by channel (by the month they
/// were submitted), decided, approved, decided within the time declared and the processing times (by the month they
/// were decided).
struct ApplicationMonth: Sendable, Equatable {
    var month: String
    var filedByChannel: [String: Int] = [:]
    var decided = 0
    var approved = 0
    var decidedWithin = 0
    /// Days from submission to decision of the month's decisions.
    var days: [Double] = []

    var filed: Int { filedByChannel.values.reduce(0, +) }
    var approvedPercent: Double? { Disclosure.allows(decided) ? Self.percent(approved, decided) : nil }
    var withinPercent: Double? { Disclosure.allows(decided) ? Self.percent(decidedWithin, decided) : nil }
    var medianDays: Double? { Disclosure.allows(days.count) ? Self.percentile(days, 0.5) : nil }
    var p90Days: Double? { Disclosure.allows(days.count) ? Self.percentile(days, 0.9) : nil }

    mutating func add(_ other: ApplicationMonth) {
        filedByChannel.merge(other.filedByChannel, uniquingKeysWith: +)
        decided += other.decided
        approved += other.approved
        decidedWithin += other.decidedWithin
        days += other.days
    }

    /// One decimal.
    static func percent(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : (Double(part) * 1000 / Double(whole)).rounded() / 10
    }

    /// The nearest-rank percentile (`share` 0.5: the median), to one decimal; nil for no values.
    static func percentile(_ values: [Double], _ share: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = (share * Double(sorted.count)).clampedInt(.up)
        let index = min(max(rank - 1, 0), sorted.count - 1)
        return (sorted[index] * 10).rounded() / 10
    }

    /// The months of `facts`, one entry for each of `months` (empty when nothing happened in it).
    static func series(_ facts: [ApplicationFact], months: [String]) -> [ApplicationMonth] {
        var byMonth = Dictionary(uniqueKeysWithValues: months.map { ($0, ApplicationMonth(month: $0)) })
        for fact in facts {
            let filed = Months.month(fact.submittedAt)
            byMonth[filed]?.filedByChannel[fact.channel, default: 0] += 1
            guard let decidedAt = fact.decidedAt, let approved = fact.approved else { continue }
            let decidedMonth = Months.month(decidedAt)
            guard byMonth[decidedMonth] != nil else { continue }
            byMonth[decidedMonth]?.decided += 1
            if approved { byMonth[decidedMonth]?.approved += 1 }
            if let due = fact.dueAt, decidedAt <= due { byMonth[decidedMonth]?.decidedWithin += 1 }
            byMonth[decidedMonth]?.days.append(max(0, decidedAt.timeIntervalSince(fact.submittedAt)) / 86_400)
        }
        return months.compactMap { byMonth[$0] }
    }

    /// The whole period at once.
    static func total(_ series: [ApplicationMonth], label: String = "") -> ApplicationMonth {
        var total = ApplicationMonth(month: label)
        for month in series { total.add(month) }
        return total
    }
}

/// One month of a group of centres, added up from each centre's month.
struct CentreMonth: Sendable, Equatable {
    var month: String
    var called = 0
    var calledWithin = 0
    var noShows = 0
    var answers = 0
    var satisfied = 0
    var waitMinutesTotal = 0.0

    var withinPercent: Double? { Disclosure.allows(called) ? ApplicationMonth.percent(calledWithin, called) : nil }
    var satisfactionPercent: Double? { Disclosure.allows(answers) ? ApplicationMonth.percent(satisfied, answers) : nil }
    var noShowPercent: Double? { Disclosure.allows(called) ? ApplicationMonth.percent(noShows, called) : nil }
    var meanWaitMinutes: Double? { Disclosure.allows(called) ? (waitMinutesTotal / Double(called) * 10).rounded() / 10 : nil }

    mutating func add(_ figures: CentreMonthFigures) {
        called += figures.called
        calledWithin += figures.calledWithin
        noShows += figures.noShows
        answers += figures.answers
        satisfied += figures.satisfied
        waitMinutesTotal += (figures.meanWaitMinutes ?? 0) * Double(figures.called)
    }

    static func series(_ figures: [CentreMonthFigures], months: [String]) -> [CentreMonth] {
        var byMonth = Dictionary(uniqueKeysWithValues: months.map { ($0, CentreMonth(month: $0)) })
        for item in figures { byMonth[item.month]?.add(item) }
        return months.compactMap { byMonth[$0] }
    }
}
