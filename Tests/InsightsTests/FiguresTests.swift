// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Testing

@testable import Insights

/// The published figures: counted in the right month, medians and 90th percentiles by nearest rank, decisions within
/// the due date, and nothing published about fewer than five.
@Suite struct FiguresTests {
    static let utc = Calendar.utc

    static func date(_ text: String) -> Date {
        (try? Date(text, strategy: .iso8601)) ?? .distantPast
    }

    /// An application filed on `filed`, decided `days` later (nil: undecided), due `due` days after filing.
    static func fact(
        _ filed: String, days: Double?, due: Double = 10, approved: Bool = true, channel: String = "online", procedure: String = "p"
    ) -> ApplicationFact {
        let submitted = date(filed)
        return ApplicationFact(
            procedureId: procedure, institutionId: "i", country: "SN", channel: channel, submittedAt: submitted,
            decidedAt: days.map { submitted.addingTimeInterval($0 * 86_400) }, dueAt: submitted.addingTimeInterval(due * 86_400),
            approved: days == nil ? nil : approved)
    }

    @Test func percentilesByNearestRank() {
        #expect(ApplicationMonth.percentile([], 0.5) == nil)
        #expect(ApplicationMonth.percentile([7], 0.9) == 7)
        #expect(ApplicationMonth.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5) == 5)
        #expect(ApplicationMonth.percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.9) == 9)
        #expect(ApplicationMonth.percentile([1, 2, 3, 4, 100], 0.9) == 100)
        #expect(ApplicationMonth.percentile([1.25, 1.26], 0.5) == 1.3)
    }

    @Test func monthsEndingAtADate() {
        #expect(Months.ending(at: Self.date("2026-02-10T00:00:00Z"), count: 4) == ["2025-11", "2025-12", "2026-01", "2026-02"])
        #expect(Months.start("2026-13") == nil && Months.start("x") == nil)
        #expect(Months.end("2026-12") == Self.date("2027-01-01T00:00:00Z"))
    }

    /// Filed counts in the month of filing, decisions in the month of decision; an application filed in October and
    /// decided in November counts once in each.
    @Test func filedAndDecidedCountInTheirOwnMonths() {
        var facts = (1...6).map { Self.fact("2026-11-0\($0)T09:00:00Z", days: Double($0), due: 4) }
        facts.append(Self.fact("2026-10-30T09:00:00Z", days: 3, approved: false, channel: "assisted"))
        facts.append(Self.fact("2026-11-20T09:00:00Z", days: nil))
        let series = ApplicationMonth.series(facts, months: ["2026-10", "2026-11"])
        #expect(series.map(\.month) == ["2026-10", "2026-11"])
        #expect(series[0].filed == 1 && series[0].decided == 0)
        let november = series[1]
        #expect(november.filedByChannel == ["online": 7])
        #expect(november.decided == 7 && november.approved == 6)
        // Decided in 1, 2, 3, 3 (October's), 4, 5, 6 days: median 3, 90th percentile 6; within 4 days: 5 of 7.
        #expect(november.medianDays == 3 && november.p90Days == 6)
        #expect(november.decidedWithin == 5 && november.withinPercent == 71.4)
        #expect(november.approvedPercent == 85.7)
    }

    /// Under five decisions, no share, median or percentile is published; counts of 1 to 4 show as "< 5".
    @Test func smallGroupsAreNotPublished() {
        let facts = (1...4).map { Self.fact("2026-11-0\($0)T09:00:00Z", days: 1) }
        let month = ApplicationMonth.series(facts, months: ["2026-11"])[0]
        #expect(month.decided == 4)
        #expect(month.medianDays == nil && month.p90Days == nil && month.withinPercent == nil && month.approvedPercent == nil)
        #expect(Disclosure.count(4) == nil && Disclosure.count(0) == 0 && Disclosure.count(5) == 5)
        var centre = CentreMonth(month: "2026-11")
        centre.add(
            CentreMonthFigures(centreId: "c", month: "2026-11", called: 3, calledWithin: 3, noShows: 0, answers: 9, satisfied: 9, meanWaitMinutes: 4))
        #expect(centre.withinPercent == nil && centre.meanWaitMinutes == nil && centre.satisfactionPercent == 100)
    }

    /// The centres' months add up across centres, the mean wait weighted by the tickets called.
    @Test func centreMonthsAddUp() {
        let figures = [
            CentreMonthFigures(
                centreId: "a", month: "2026-11", called: 10, calledWithin: 8, noShows: 1, answers: 5, satisfied: 4, meanWaitMinutes: 10),
            CentreMonthFigures(
                centreId: "b", month: "2026-11", called: 30, calledWithin: 30, noShows: 3, answers: 5, satisfied: 5, meanWaitMinutes: 2),
        ]
        let month = CentreMonth.series(figures, months: ["2026-10", "2026-11"])[1]
        #expect(month.called == 40 && month.withinPercent == 95 && month.noShowPercent == 10 && month.satisfactionPercent == 90)
        #expect(month.meanWaitMinutes == 4)
    }

    @Test func csvQuotesAndNeutralisesFormulas() {
        var table = CSVFile(columns: ["a", "b"])
        table.append(["a": "x, \"y\"", "b": "=HYPERLINK(1)"])
        table.append(["a": "-3.5"])
        #expect(table.text == "a,b\r\n\"x, \"\"y\"\"\",'=HYPERLINK(1)\r\n-3.5,\r\n")
    }

    @Test func turtleEscapesLiteralsAndIRIs() {
        var graph = RDFGraph()
        graph.add("http://x.example/a b", "dct:title", .text("dit \"oui\"\nvraiment", language: "fr"))
        let text = graph.turtle()
        #expect(text.contains("<http://x.example/a%20b>"))
        #expect(text.contains("dct:title \"dit \\\"oui\\\"\\nvraiment\"@fr ."))
    }

    /// The centres' months are computed once for a few minutes, then again; other months are computed at once.
    @Test func centreFiguresAreKeptAFewMinutes() async throws {
        actor Count {
            var calls = 0
            func next() -> Int {
                calls += 1
                return calls
            }
        }
        let memo = CentreFiguresMemo()
        let count = Count()
        let start = Self.date("2026-11-10T10:00:00Z")
        func read(_ months: [String], at date: Date) async throws -> Int {
            try await memo.figures(months: months, now: date) {
                let call = await count.next()
                return [
                    CentreMonthFigures(
                        centreId: "c", month: "2026-11", called: call, calledWithin: 0, noShows: 0, answers: 0, satisfied: 0, meanWaitMinutes: nil)
                ]
            }.first?.called ?? 0
        }
        #expect(try await read(["2026-11"], at: start) == 1)
        #expect(try await read(["2026-11"], at: start.addingTimeInterval(299)) == 1)
        #expect(try await read(["2026-10", "2026-11"], at: start.addingTimeInterval(300)) == 2)
        #expect(try await read(["2026-10", "2026-11"], at: start.addingTimeInterval(900)) == 3)
    }
}
