// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Forms attached to procedures. A saved form is never changed: each save adds the next number, tied to the procedure
/// version published at that moment, and new applications use the latest one.
package struct FormStore: Sendable {
    let database: DatabaseService
    let cache: FormCache?
    /// A published form changes the procedure's cached page ("apply online"): told in the same transaction.
    let changes: any PublishedContentChanges

    package init(database: DatabaseService, cache: FormCache? = nil, changes: any PublishedContentChanges = NoPublishedContentChanges()) {
        self.database = database
        self.cache = cache
        self.changes = changes
    }

    static let columns = SQLColumnList(["id", "procedure_id", "number", "procedure_version", "data", "created_by", "created_at"])

    static func decode(_ row: any SQLRow) throws -> StoredForm {
        StoredForm(
            id: try row.decode(column: "id", as: Int.self), procedureId: try row.decode(column: "procedure_id", as: String.self),
            number: try row.decode(column: "number", as: Int.self), procedureVersion: try row.decode(column: "procedure_version", as: Int.self),
            definition: try JSONDecoder().decode(FormDefinition.self, from: Data(try row.decode(column: "data", as: String.self).utf8)),
            createdBy: try row.decode(column: "created_by", as: String.self), createdAt: try row.decode(column: "created_at", as: String.self))
    }

    package func current(procedure: String) async throws -> StoredForm? {
        guard cache != nil else {
            return try await database.sql.select().column(Self.columns).from("application_forms")
                .where("procedure_id", .equal, procedure).orderBy("number", .descending).first().map(Self.decode)
        }
        // With a cache, only the latest form's number is read: its definition is decoded once per process, not for each
        // application filed.
        guard
            let id = try await database.sql.select().column("id").from("application_forms").where("procedure_id", .equal, procedure)
                .orderBy("number", .descending).limit(1).first(decodingColumn: "id", as: Int.self)
        else { return nil }
        return try await form(id: id)
    }

    /// Whether the procedure has a form, without reading (and decoding) it: every procedure page asks.
    package func exists(procedure: String) async throws -> Bool {
        try await database.sql.select().column("id").from("application_forms").where("procedure_id", .equal, procedure).limit(1).first() != nil
    }

    /// A stored form never changes: with a cache, read once per process.
    package func form(id: Int) async throws -> StoredForm? {
        if let cached = cache?.get(id) { return cached }
        guard
            let form = try await database.sql.select().column(Self.columns).from("application_forms")
                .where("id", .equal, id).first().map(Self.decode)
        else { return nil }
        cache?.put(form)
        return form
    }

    package func versions(procedure: String) async throws -> [StoredForm] {
        try await database.sql.select().column(Self.columns).from("application_forms")
            .where("procedure_id", .equal, procedure).orderBy("number", .descending).all().map(Self.decode)
    }

    /// Procedure ids that have a form.
    package func procedures() async throws -> Set<String> {
        Set(
            try await database.sql.select().distinct().column("procedure_id").from("application_forms").all().map {
                try $0.decode(column: "procedure_id", as: String.self)
            })
    }

    /// Validates and stores a new version. Unchanged definitions are not stored again (a retried save is harmless).
    @discardableResult
    package func save(procedure: Procedure, definition: FormDefinition, origin: ActionOrigin) async throws -> StoredForm {
        let problems = definition.problems(procedure: procedure)
        if let first = problems.first {
            throw AppError(
                .unprocessableContent, code: "form_invalid", field: first.path,
                detail: problems.map { "\($0.path): \($0.reason)\($0.value.isEmpty ? "" : " (\($0.value))")" }.joined(separator: "\n"))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = String(decoding: try encoder.encode(definition), as: UTF8.self)
        let stored = try await database.writeTransaction { db in
            let sql = db.sql
            let last = try await sql.select().column(Self.columns).from("application_forms")
                .where("procedure_id", .equal, procedure.id).orderBy("number", .descending).first().map(Self.decode)
            if let last, last.definition == definition { return last }
            let number = (last?.number ?? 0) + 1
            let now = AuditLog.timestamp()
            try await sql.insert(into: "application_forms").columns("procedure_id", "number", "procedure_version", "data", "created_by", "created_at")
                .values(SQLBind(procedure.id), SQLBind(number), SQLBind(procedure.version), SQLBind(data), SQLBind(origin.actor), SQLBind(now)).run()
            try await AuditLog.append(
                origin.entry(
                    last == nil ? "form.created" : "form.updated", entity: "form", id: procedure.id,
                    summary: "version \(number), procedure version \(procedure.version), \(definition.fields.count) fields"), on: db)
            try await changes.markChanged(on: db)
            guard
                let stored = try await sql.select().column(Self.columns).from("application_forms")
                    .where("procedure_id", .equal, procedure.id).where("number", .equal, number).first().map(Self.decode)
            else { throw AppError(.internalServerError, code: "internal") }
            return stored
        }
        await changes.refresh()
        return stored
    }
}

/// Stored forms by id, for one application's life (forms are immutable once stored).
package final class FormCache: @unchecked Sendable {
    private let lock = NSLock()
    private var forms: [Int: StoredForm] = [:]

    package init() {}

    func get(_ id: Int) -> StoredForm? { lock.withLock { forms[id] } }

    func put(_ form: StoredForm) { lock.withLock { forms[form.id] = form } }
}
