// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

/// The fees block of the apply flow's pages: what is due, when, how much in all, and (once on the books) what is paid
/// and where to pay the rest.
struct FeesView {
    struct Row {
        let label: String
        let amount: String
        let stage: String
        let feeState: String?
        let receiptHref: String?
    }

    let rows: [Row]
    let total: String?
    /// Some amounts depend on answers not given yet (the start page).
    let depends: Bool
    /// Some fee has no stated amount: it is paid at the office.
    let unknown: Bool
    let payHref: String?
    /// The rows say what is paid (a column more).
    let withState: Bool
}

extension PageContext {
    func feeStage(_ stage: FeeStage) -> String { t("fees.stage.\(stage.rawValue)") }

    func total(_ amounts: [String: Int]) -> String? {
        amounts.isEmpty ? nil : amounts.keys.sorted().map { FeeRules.format(amounts[$0] ?? 0, currency: $0) }.joined(separator: " + ")
    }

    /// The fees as the start page announces them.
    func fees(announced: [FeeRules.Announced]) -> FeesView? {
        guard !announced.isEmpty else { return nil }
        let rows = announced.map { fee in
            FeesView.Row(
                label: text(fee.label),
                amount: fee.amount.map { FeeRules.format($0, currency: fee.currency ?? "XOF") + (fee.depends ? " " + t("fees.depends_mark") : "") }
                    ?? t("fees.unknown_amount"),
                stage: feeStage(fee.stage), feeState: nil, receiptHref: nil)
        }
        let sums = announced.filter { !$0.depends }.reduce(into: [String: Int]()) { sums, fee in
            if let amount = fee.amount, let currency = fee.currency { sums[currency, default: 0] += amount }
        }
        return FeesView(
            rows: rows, total: total(sums), depends: announced.contains { $0.depends }, unknown: announced.contains { $0.amount == nil },
            payHref: nil, withState: false)
    }

    /// The fees the answers make due (the check page).
    func fees(lines: [FeeLine]) -> FeesView? {
        guard !lines.isEmpty else { return nil }
        let rows = lines.map { line in
            FeesView.Row(
                label: language == .en ? line.labelEn : line.labelFr, amount: FeeRules.format(line.amount, currency: line.currency),
                stage: feeStage(line.stage), feeState: nil, receiptHref: nil)
        }
        return FeesView(
            rows: rows, total: total(lines.reduce(into: [:]) { $0[$1.currency, default: 0] += $1.amount }), depends: false, unknown: false,
            payHref: nil, withState: false)
    }

    /// The fees on the books, with what is paid (the confirmation and tracking pages, the agent's page).
    func fees(summary: FeeSummary?, receipt: (String) -> String) -> FeesView? {
        guard let summary, !summary.lines.isEmpty else { return nil }
        let rows = summary.lines.map { line in
            FeesView.Row(
                label: language == .en ? line.labelEn : line.labelFr, amount: FeeRules.format(line.amount, currency: line.currency),
                stage: feeStage(line.stage), feeState: t("fees.status.\(line.status)"), receiptHref: line.receipt.map(receipt))
        }
        return FeesView(
            rows: rows, total: total(summary.unpaid), depends: false, unknown: false, payHref: summary.payHref.map { link($0) }, withState: true)
    }
}
