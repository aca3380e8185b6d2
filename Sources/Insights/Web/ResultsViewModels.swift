// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

struct OverviewPage {
    let period: String
    let countries: [ChildRow]
    let centres: CentreSection?
    let openData: String
}

/// A country, institution or procedure in a list, over the whole period.
struct ChildRow {
    let name: String
    let href: String
    let filed: String
    let decided: String
    let median: String
    let declared: String?
    let within: String
    /// For the order of the list.
    let count: Int

    init(_ page: PageContext, name: String, href: String, facts: [ApplicationFact], months: [String], declared: MinMax?? = nil) {
        let total = ApplicationMonth.total(ApplicationMonth.series(facts, months: months))
        self.name = name
        self.href = href
        filed = page.published(total.filed)
        decided = page.published(total.decided)
        median = page.days(total.medianDays)
        self.declared = declared.map { page.declared($0) }
        within = page.percent(total.withinPercent)
        count = total.filed
    }
}

struct FiledRow {
    let month: String
    let channels: [String]
    let total: String
}

struct DecidedRow {
    let month: String
    let decided: String
    let approved: String
    let median: String
    let p90: String
    let within: String
}

/// One month of a procedure's revenue: orders paid and their total, "< 5" and no amount for a small month.
struct RevenueRow {
    let month: String
    let payments: String
    let amount: String
}

struct ScopePage {
    let heading: String
    let kind: String
    let declared: String?
    let catalogLink: String?
    let summary: DecidedRow
    let filedTotal: String
    let channelNames: [String]
    let filedChart: String
    let filedRows: [FiledRow]
    let timeChart: String
    let withinChart: String
    let decidedRows: [DecidedRow]
    let empty: Bool
    let children: [ChildRow]
    let hasChildren: Bool
    let childHeading: String
    let showDeclared: Bool
    let centres: CentreSection?
    /// The back office's list of the same applications, for a signed-in agent of the institution.
    let drillDown: String?
    /// What a procedure's fees brought in, month by month (a procedure's page only).
    var revenue: [RevenueRow] = []

    /// The channels shown as columns: those people file by, in this order, then any other under "other".
    static let channels = ["online", "assisted", "ussd", "api"]

    init(
        _ page: PageContext, heading: String, kind: String, facts: [ApplicationFact], months: [String], declared: MinMax??, children: [ChildRow],
        childHeading: String, catalogLink: String?, centres: CentreSection?, drillDown: String? = nil
    ) {
        self.drillDown = drillDown
        let series = ApplicationMonth.series(facts, months: months)
        let total = ApplicationMonth.total(series, label: page.t("whole_period"))
        let used = Self.channels.filter { channel in facts.contains { $0.channel == channel } }
        let others = facts.contains { !Self.channels.contains($0.channel) }
        func decidedRow(_ month: ApplicationMonth) -> DecidedRow {
            DecidedRow(
                month: month.month, decided: page.published(month.decided), approved: page.percent(month.approvedPercent),
                median: page.days(month.medianDays), p90: page.days(month.p90Days), within: page.percent(month.withinPercent))
        }
        func channelCells(_ month: ApplicationMonth) -> [String] {
            var counts = used.map { month.filedByChannel[$0, default: 0] }
            if others { counts.append(month.filedByChannel.filter { !Self.channels.contains($0.key) }.values.reduce(0, +)) }
            // A small channel beside the total would be its difference: then the month shows only its total.
            guard counts.allSatisfy({ Disclosure.count($0) != nil }) else { return counts.map { _ in page.t("suppressed") } }
            return counts.map { page.number($0) }
        }
        self.heading = heading
        self.kind = kind
        self.declared = declared.map { page.declared($0) }
        self.catalogLink = catalogLink
        summary = decidedRow(total)
        filedTotal = page.published(total.filed)
        channelNames = used.map { page.t("channel.\($0)") } + (others ? [page.t("channel.other")] : [])
        filedChart = Chart.bars(series.map { Chart.Bar(label: $0.month, value: Disclosure.count($0.filed).map(Double.init)) }, format: page.decimal)
        filedRows = series.map { FiledRow(month: $0.month, channels: channelCells($0), total: page.published($0.filed)) }
        timeChart = Chart.bars(
            series.map { Chart.Bar(label: $0.month, value: $0.medianDays, mark: $0.p90Days) }, target: (declared ?? nil).map { Double($0.max) },
            unit: page.t("days_unit"), format: page.decimal)
        withinChart = Chart.bars(series.map { Chart.Bar(label: $0.month, value: $0.withinPercent) }, ceiling: 100, unit: " %", format: page.decimal)
        decidedRows = series.map(decidedRow)
        empty = facts.isEmpty
        self.children = children.sorted { ($0.count, $1.name) > ($1.count, $0.name) }
        hasChildren = !children.isEmpty
        self.childHeading = childHeading
        showDeclared = children.contains { $0.declared != nil }
        self.centres = centres
    }
}

struct CentreSection {
    let commitment: String
    let minutes: String
    let waitChart: String
    let satisfactionChart: String
    let rows: [CentreRow]
    let link: String
}

struct CentreRow {
    let month: String
    let called: String
    let within: String
    let wait: String
    let satisfaction: String
    let answers: String
    let noShows: String
}
