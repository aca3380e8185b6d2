// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import SQLKit

/// An operator's statement of a day against the books: each line matched to our request by its reference id (the
/// `X-Reference-Id` we chose, also sent as `externalId`), with four outcomes: matched, amount differs, missing on our
/// side (money the operator moved that our books do not show as received), missing on theirs (a payment our books
/// show that the statement lacks). Numbers on the statement are read but never kept.
package struct Reconciliation: Sendable {
    let database: DatabaseService
    let clock: any WallClock

    package init(database: DatabaseService, clock: any WallClock) {
        self.database = database
        self.clock = clock
    }

    package enum Kind: String, Codable, Sendable, CaseIterable {
        case matched
        case differs
        case oursOnly = "ours_only"
        case theirsOnly = "theirs_only"
    }

    package struct Row: Codable, Sendable, Equatable {
        package var kind: Kind
        package var requestId: String
        package var transaction: String
        package var reference: String
        package var ours: Int?
        package var theirs: Int?
        package var currency: String
    }

    package struct Report: Sendable {
        package var id: String
        package var day: String
        package var rows: [Row]

        package func count(_ kind: Kind) -> Int { rows.filter { $0.kind == kind }.count }
    }

    struct StatementLine {
        var transaction: String
        var reference: String
        var external: String
        var amount: Int
        var currency: String
        var status: String
    }

    /// The statement's lines: a header naming at least `reference_id` or `external_id`, `amount` and `currency`.
    static func parse(_ text: String) throws -> [StatementLine] {
        let table: CSVTable
        do {
            table = try CSVTable(data: Data(text.utf8))
        } catch .empty {
            throw AppError.validation(field: "statement", code: "statement_empty")
        } catch {
            throw AppError(.unprocessableContent, code: "statement_unreadable", field: "statement", arguments: ["detail": error.description])
        }
        let header = table.header.map { $0.lowercased() }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let amount = column("amount"), let currency = column("currency"), column("reference_id") != nil || column("external_id") != nil else {
            throw AppError.validation(field: "statement", code: "statement_columns")
        }
        return try table.rows.map { row in
            func value(_ position: Int?) -> String {
                guard let position, position < row.fields.count else { return "" }
                return row.fields[position].trimmingCharacters(in: .whitespaces)
            }
            guard let sum = Int(value(amount)) else {
                throw AppError(.unprocessableContent, code: "statement_amount", field: "statement", arguments: ["line": "\(row.line)"])
            }
            return StatementLine(
                transaction: value(column("transaction_id")), reference: value(column("reference_id")), external: value(column("external_id")),
                amount: sum, currency: value(currency).uppercased(), status: value(column("status")).uppercased())
        }
    }

    struct OurRow: Decodable {
        let id: String
        let amount: Int
        let currency: String
        let status: String
        let providerTx: String?
        let reference: String
        let institutionId: String
    }

    /// Reconciles a statement of `day` (UTC) for the principal's institutions, stores the report and audits it.
    package func reconcile(statement text: String, day: String, operator name: String, principal: Principal) async throws -> Report {
        guard InputParser.day(day) != nil else { throw AppError.validation(field: "day", code: "day_invalid") }
        let theirs = try Self.parse(text).filter { $0.status.isEmpty || $0.status == "SUCCESSFUL" || $0.status == "SUCCESS" }
        let scope = PaymentBooks.scope(principal)
        let select: SQLQueryString = """
            SELECT q.id, q.amount, q.currency, q.status, q.provider_tx, o.reference, o.institution_id FROM payment_requests q \
            JOIN payment_orders o ON o.id = q.order_id WHERE q.method = 'mobile_money' \(scope)
            """
        let ours = try await database.sql.raw(
            "\(select) AND q.status = 'successful' AND q.updated_at >= \(bind: day + "T00:00:00") AND q.updated_at <= \(bind: day + "T23:59:59.999Z")"
        ).all(decoding: OurRow.self, keyDecodingStrategy: .snakeCaseColumns)
        var byId = Dictionary(ours.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var rows: [Row] = []
        for line in theirs {
            let key = (line.reference.isEmpty ? line.external : line.reference).lowercased()
            if let mine = byId.removeValue(forKey: key) {
                let same = mine.amount == line.amount && mine.currency == line.currency
                rows.append(
                    Row(
                        kind: same ? .matched : .differs, requestId: mine.id, transaction: line.transaction, reference: mine.reference,
                        ours: mine.amount,
                        theirs: line.amount, currency: line.currency))
                continue
            }
            // Not received on our books that day: perhaps recorded otherwise (still pending, failed, another day).
            let other = try await database.sql.raw("\(select) AND q.id = \(bind: key)").first(
                decoding: OurRow.self, keyDecodingStrategy: .snakeCaseColumns)
            if let other, other.status == "successful" {
                let same = other.amount == line.amount && other.currency == line.currency
                rows.append(
                    Row(
                        kind: same ? .matched : .differs, requestId: other.id, transaction: line.transaction, reference: other.reference,
                        ours: other.amount, theirs: line.amount, currency: line.currency))
                continue
            }
            rows.append(
                Row(
                    kind: .theirsOnly, requestId: String(key.prefix(64)), transaction: String(line.transaction.prefix(64)),
                    reference: other?.reference ?? "", ours: nil, theirs: line.amount, currency: String(line.currency.prefix(3))))
        }
        for mine in byId.values.sorted(by: { $0.id < $1.id }) {
            rows.append(
                Row(
                    kind: .oursOnly, requestId: mine.id, transaction: mine.providerTx ?? "", reference: mine.reference, ours: mine.amount,
                    theirs: nil,
                    currency: mine.currency))
        }
        let report = Report(id: RandomID.uuid(), day: day, rows: rows)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(rows), as: UTF8.self)
        let stamp = AuditLog.timestamp(clock.now)
        try await database.writeTransaction { db in
            try await db.sql.raw(
                """
                INSERT INTO payment_reconciliations (id, operator, day, imported_by, imported_at, matched, ours_only, theirs_only, differs, report) \
                VALUES (\(bind: report.id), \(bind: name), \(bind: day), \(bind: principal.actor), \(bind: stamp), \(bind: report.count(.matched)), \
                \(bind: report.count(.oursOnly)), \(bind: report.count(.theirsOnly)), \(bind: report.count(.differs)), \(bind: json))
                """
            ).run()
            try await AuditLog.append(
                AuditEntry(
                    actor: principal.actor, action: "payment.reconciled", entity: "payment_reconciliation", entityId: report.id,
                    summary: "\(name) \(day): \(report.count(.matched)) matched, \(report.count(.differs)) differ, "
                        + "\(report.count(.oursOnly)) missing on theirs, \(report.count(.theirsOnly)) missing on ours"), on: db)
        }
        return report
    }

    /// A stored report, if the principal imported it or is an administrator.
    package func report(id: String, principal: Principal) async throws -> Report? {
        guard let row = try await database.sql.raw("SELECT day, report, imported_by FROM payment_reconciliations WHERE id = \(bind: id)").first()
        else { return nil }
        let importer = try row.decode(column: "imported_by", as: String.self)
        guard principal.isAdministrator || importer == principal.actor else { return nil }
        let rows = try JSONDecoder().decode([Row].self, from: Data(try row.decode(column: "report", as: String.self).utf8))
        return Report(id: id, day: try row.decode(column: "day", as: String.self), rows: rows)
    }

    /// The report as CSV, stable in its columns.
    package static func csv(_ report: Report) -> String {
        var text = "kind,request_id,transaction_id,application_reference,our_amount,their_amount,currency\n"
        for row in report.rows {
            let fields = [
                row.kind.rawValue, row.requestId, row.transaction, row.reference, row.ours.map(String.init) ?? "", row.theirs.map(String.init) ?? "",
                row.currency,
            ]
            text += fields.map(CSVTable.field).joined(separator: ",") + "\n"
        }
        return text
    }
}
