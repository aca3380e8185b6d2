// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import FluentKit
import Foundation
import GuichetCore
import SQLKit

extension ApplicationRecord {
    /// Quoted and joined once: every submission reads its record back, and the tracking page and inbox read them.
    static let columns = SQLColumnList([
        "id", "reference", "procedure_id", "form_id", "institution_id", "country", "status", "channel", "centre_id", "ticket_id", "filed_by",
        "owner_hash", "answers", "revision", "assigned_to", "requested", "created_at", "updated_at", "submitted_at", "due_at", "decided_at",
    ])

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        reference = try row.decode(column: "reference", as: String?.self)
        procedureId = try row.decode(column: "procedure_id", as: String.self)
        formId = try row.decode(column: "form_id", as: Int.self)
        institutionId = try row.decode(column: "institution_id", as: String.self)
        country = try row.decode(column: "country", as: String.self)
        status = ApplicationStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .draft
        channel = FilingChannel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .online
        centreId = try row.decode(column: "centre_id", as: String?.self)
        ticketId = try row.decode(column: "ticket_id", as: String?.self)
        filedBy = try row.decode(column: "filed_by", as: String?.self)
        ownerHash = try row.decode(column: "owner_hash", as: String?.self)
        answers = (try? JSONDecoder().decode([String: String].self, from: Data(try row.decode(column: "answers", as: String.self).utf8))) ?? [:]
        revision = try row.decode(column: "revision", as: Int.self)
        assignedTo = try row.decode(column: "assigned_to", as: String?.self)
        requested = try row.decode(column: "requested", as: String?.self).flatMap {
            try? JSONDecoder().decode(ChangeRequest.self, from: Data($0.utf8))
        }
        createdAt = try row.decode(column: "created_at", as: String.self)
        updatedAt = try row.decode(column: "updated_at", as: String.self)
        submittedAt = try row.decode(column: "submitted_at", as: String?.self)
        dueAt = try row.decode(column: "due_at", as: String?.self)
        decidedAt = try row.decode(column: "decided_at", as: String?.self)
    }
}

/// Reads and small writes of the application tables, shared by the service and the pages.
package struct ApplicationStore: Sendable {
    package let database: DatabaseService
    /// What "overdue" is measured against.
    let clock: any WallClock

    package init(database: DatabaseService, clock: any WallClock = SystemClock()) {
        self.database = database
        self.clock = clock
    }

    var sql: any SQLDatabase { database.sql }

    package func application(id: String, on db: (any SQLDatabase)? = nil) async throws -> ApplicationRecord? {
        guard id.count <= 64 else { return nil }
        return try await (db ?? sql).select().column(ApplicationRecord.columns).from("applications")
            .where("id", .equal, id).first().map(ApplicationRecord.init(row:))
    }

    package func application(reference: String) async throws -> ApplicationRecord? {
        try await sql.select().column(ApplicationRecord.columns).from("applications")
            .where("reference", .equal, reference).first().map(ApplicationRecord.init(row:))
    }

    /// The browser's unfinished application for this procedure, if any.
    package func draft(procedure: String, ownerHash: String) async throws -> ApplicationRecord? {
        try await sql.select().column(ApplicationRecord.columns).from("applications")
            .where("owner_hash", .equal, ownerHash).where("procedure_id", .equal, procedure).where("status", .equal, ApplicationStatus.draft.rawValue)
            .orderBy("created_at", .descending).first().map(ApplicationRecord.init(row:))
    }

    package func events(_ applicationId: String) async throws -> [ApplicationEvent] {
        try await sql.select().columns("at", "actor", "action", "from_status", "to_status", "note", "fields").from("application_events")
            .where("application_id", .equal, applicationId).orderBy("id").all().map { row in
                ApplicationEvent(
                    at: try row.decode(column: "at", as: String.self), actor: try row.decode(column: "actor", as: String.self),
                    action: try row.decode(column: "action", as: String.self),
                    fromStatus: try row.decode(column: "from_status", as: String?.self).flatMap(ApplicationStatus.init(rawValue:)),
                    toStatus: ApplicationStatus(rawValue: try row.decode(column: "to_status", as: String.self)) ?? .draft,
                    note: try row.decode(column: "note", as: String?.self),
                    fields: try row.decode(column: "fields", as: String?.self).flatMap {
                        try? JSONDecoder().decode([String].self, from: Data($0.utf8))
                    } ?? [])
            }
    }

    package func files(_ applicationId: String, on db: (any SQLDatabase)? = nil) async throws -> [StoredFile] {
        try await (db ?? sql).select().columns("field", "name", "media_type", "size", "sha256", "uploaded_at").from("application_files")
            .where("application_id", .equal, applicationId).orderBy("id").all().map { row in
                StoredFile(
                    field: try row.decode(column: "field", as: String.self), name: try row.decode(column: "name", as: String.self),
                    mediaType: try row.decode(column: "media_type", as: String.self), size: try row.decode(column: "size", as: Int.self),
                    sha256: try row.decode(column: "sha256", as: String.self), uploadedAt: try row.decode(column: "uploaded_at", as: String.self))
            }
    }

    package struct IssuedDocument: Sendable {
        package var code: String
        package var payload: DocumentPayload
        package var revokedAt: String?
    }

    package func document(applicationId: String) async throws -> IssuedDocument? {
        guard
            let row = try await sql.select().columns("code", "payload", "revoked_at").from("issued_documents")
                .where("application_id", .equal, applicationId).first()
        else { return nil }
        let payload = try JSONDecoder().decode(DocumentPayload.self, from: Data(try row.decode(column: "payload", as: String.self).utf8))
        return IssuedDocument(
            code: try row.decode(column: "code", as: String.self), payload: payload, revokedAt: try row.decode(column: "revoked_at", as: String?.self)
        )
    }

    package struct InboxFilter: Sendable {
        package var institutions: [String]?
        package var procedure: String?
        package var status: ApplicationStatus?
        package var assignedTo: String?
        package var overdueOnly = false
        package init() {}
    }

    /// Applications waiting for (or handled by) the given institutions, never drafts; the oldest due first.
    package func inbox(_ filter: InboxFilter, limit: Int, offset: Int) async throws -> (items: [ApplicationRecord], total: Int) {
        func apply<Q: SQLPredicateBuilder>(_ query: Q) -> Q {
            var query = query.where("status", .notEqual, ApplicationStatus.draft.rawValue)
            if let institutions = filter.institutions { query = query.where("institution_id", .in, institutions.isEmpty ? [""] : institutions) }
            if let procedure = filter.procedure { query = query.where("procedure_id", .equal, procedure) }
            if let status = filter.status { query = query.where("status", .equal, status.rawValue) }
            if let assignee = filter.assignedTo {
                query = assignee.isEmpty ? query.where("assigned_to", .is, SQLLiteral.null) : query.where("assigned_to", .equal, assignee)
            }
            if filter.overdueOnly {
                query = query.where("due_at", .lessThan, AuditLog.timestamp(clock.now))
                    .where("status", .in, [ApplicationStatus.submitted.rawValue, ApplicationStatus.inReview.rawValue])
            }
            return query
        }
        let total =
            try await apply(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("applications")).first()?
            .decode(column: "n", as: Int.self) ?? 0
        let items = try await apply(sql.select().column(ApplicationRecord.columns).from("applications"))
            .orderBy("due_at").orderBy("reference").limit(limit).offset(offset).all().map(ApplicationRecord.init(row:))
        return (items, total)
    }

    /// Counts per procedure since a date (for the ranking of what to digitalise), never drafts.
    /// Applications submitted per procedure since then (the demo's simulated ones only when `simulated` includes them).
    package func counts(since: String, simulated: SimulatedRows = .excluded) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try await sql.select().column("procedure_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("applications")
            .where("status", .notEqual, ApplicationStatus.draft.rawValue).where("submitted_at", .greaterThanOrEqual, since).filtering(simulated)
            .groupBy("procedure_id").all()
        {
            result[try row.decode(column: "procedure_id", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return result
    }
}

/// Applications counted for the ecosystem's ranking: applications filed per procedure.
package struct ApplicationMeasures: ProcedureMeasureSource {
    let store: ApplicationStore
    let forms: FormStore
    /// The demo's simulated applications count only in the demo.
    let simulated: SimulatedRows

    package init(database: DatabaseService, simulated: SimulatedRows = .excluded) {
        self.init(store: ApplicationStore(database: database), forms: FormStore(database: database), simulated: simulated)
    }

    init(store: ApplicationStore, forms: FormStore, simulated: SimulatedRows = .excluded) {
        self.store = store
        self.forms = forms
        self.simulated = simulated
    }

    package var measureKey: String { "measures.applications" }
    package func procedureMeasures(since: Date) async throws -> [String: ProcedureMeasure] {
        try await store.counts(since: AuditLog.timestamp(since), simulated: simulated).mapValues { ProcedureMeasure(count: $0) }
    }
    package func proceduresReadyOnline() async throws -> Set<String> { try await forms.procedures() }
}
