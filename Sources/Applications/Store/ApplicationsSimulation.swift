// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// The demo's 90 days of simulated applications for the procedures that have a demo form, written at `serve --demo` so
/// that the back office's inbox, processing times and the ecosystem's ranking have figures. Each application goes the
/// way real ones do (submitted online or at a centre, taken by an agent, sometimes sent back for a correction and
/// resubmitted, then approved with its signed document issued, or rejected), its decision a number of days after
/// submission drawn around the time the catalogue declares (so that some are late), with every step in its history.
/// The people are made up and marked "(démo)"; every row is flagged `simulated` (counted only in the demo); the run is
/// one audit event (actor `system:demo`), not one per row.
package enum ApplicationsSimulation {
    package struct Counts: Sendable, Equatable, CustomStringConvertible {
        package var applications = 0
        package var byStatus: [String: Int] = [:]

        package var description: String {
            "\(applications) applications (" + byStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }
    }

    static let actor = "system:demo"
    /// Common names and towns of each country, for made-up people.
    static let lastNames = [
        "SN": ["DIOP", "NDIAYE", "FALL", "SECK", "BA", "SOW", "FAYE", "GUEYE"], "TG": ["KOFFI", "MENSAH", "AGBEKO", "AMEGAN", "KPODAR", "ADJO"],
        "CG": ["MOUKOKO", "NGOMA", "MABIALA", "MAKAYA", "MASSAMBA", "NKOUKA"],
    ]
    static let firstNames = [
        "SN": ["Awa", "Mamadou", "Aïssatou", "Ibrahima", "Khady", "Ousmane", "Fatou", "Cheikh"],
        "TG": ["Kossi", "Afi", "Yao", "Ama", "Komi", "Akossiwa"],
        "CG": ["Grâce", "Rodrigue", "Nadège", "Serge", "Armel", "Prisca"],
    ]
    static let towns = [
        "SN": ["Dakar", "Thiès", "Saint-Louis", "Ziguinchor", "Kaolack", "Touba"], "TG": ["Lomé", "Kara", "Sokodé", "Atakpamé", "Kpalimé"],
        "CG": ["Brazzaville", "Pointe-Noire", "Dolisie", "Nkayi", "Owando"],
    ]
    static let dialling = ["SN": "+22177", "TG": "+22890", "CG": "+24206"]

    /// Whether a simulation was already written.
    package static func hasRun(database: DatabaseService) async throws -> Bool {
        try await database.sql.select().column("id").from("applications").where("simulated", .equal, SQLLiteral.boolean(true)).limit(1)
            .first() != nil
    }

    /// Writes the simulated applications once (nothing when some are already there) and returns what it wrote.
    @discardableResult
    package static func run(service: ApplicationsModule, now: Date, days: Int = 90, seed: UInt64 = 20_261_213) async throws -> Counts {
        let database = service.store.database
        guard try await !hasRun(database: database) else { return Counts() }
        var found: [(Procedure, StoredForm)] = []
        for procedureId in try ApplicationsDemo.forms().map(\.procedure) {
            guard let procedure = try await service.catalog.procedures(ids: [procedureId]).first,
                let form = try await service.forms.current(procedure: procedureId)
            else { continue }
            found.append((procedure, form))
        }
        // Everything is worked out and signed first (signing reads the catalogue), then written in one transaction.
        var planned: [(application: Simulated, procedure: Procedure, form: StoredForm, dueDays: Int, document: SignedDocument?)] = []
        var counts = Counts()
        // The references already given (the demo's filed applications draw theirs at random) are not drawn again.
        var references = Set(
            try await database.sql.raw("SELECT reference FROM applications WHERE reference IS NOT NULL").all(
                decodingColumn: "reference", as: String.self))
        for (procedure, form) in found {
            var random = SimulationRandom(seed: seed, part: procedure.id)
            let dueDays = ApplicationRules.dueDays(procedure)
            for application in plan(procedure, form: form, dueDays: dueDays, now: now, days: days, random: &random) {
                var application = application
                while !references.insert(application.reference).inserted {
                    application.reference = reference(procedure.country, application.submittedAt, &random)
                }
                var document: SignedDocument?
                if application.status == .documentIssued, let issuedAt = application.decidedAt {
                    let record = ApplicationRecord(
                        id: application.id, reference: application.reference, procedureId: procedure.id, formId: form.id,
                        institutionId: procedure.institution, country: procedure.country, status: .approved, channel: application.channel,
                        answers: application.answers, revision: 1, createdAt: AuditLog.timestamp(application.submittedAt),
                        updatedAt: AuditLog.timestamp(issuedAt))
                    document = try await service.documents.issue(record, form: form.definition, at: issuedAt)
                }
                planned.append((application, procedure, form, dueDays, document))
                counts.applications += 1
                counts.byStatus[application.status.rawValue, default: 0] += 1
            }
        }
        guard !planned.isEmpty else { return counts }
        let rows = planned
        let summary = "\(days) days, seed \(seed), \(counts)"
        try await database.writeTransaction { db in
            let sql = db.sql
            for row in rows {
                try await write(row.application, procedure: row.procedure, form: row.form, dueDays: row.dueDays, on: sql)
                if let document = row.document, let issuedAt = row.application.decidedAt {
                    try await service.documents.store(document, application: row.application.id, at: AuditLog.timestamp(issuedAt), on: sql)
                }
            }
            try await AuditLog.append(
                AuditEntry(actor: actor, action: "simulation.generated", entity: "applications", entityId: "simulation", summary: summary),
                on: db, at: now)
        }
        return counts
    }

    /// One simulated application: when it was submitted and each later step, with its outcome.
    struct Simulated {
        var id: String
        var reference: String
        var answers: [String: String]
        var channel: FilingChannel
        var submittedAt: Date
        /// (when, action, from, to, note)
        var steps: [(at: Date, action: String, from: ApplicationStatus, to: ApplicationStatus, note: String?)]
        var status: ApplicationStatus { steps.last?.to ?? .submitted }
        var decidedAt: Date? { status.isFinal ? steps.last { $0.to == .approved || $0.to == .rejected }?.at : nil }
    }

    /// What happens to the applications of one procedure over `days`, the same for the same seed and `now`. Weekdays
    /// get 1 to 6 applications (online at any hour from 7:00 to 22:00, at a centre during office hours); an agent takes
    /// each within three days, sends one in eight back for a correction, and decides after a number of days drawn
    /// around the declared time; whatever is not over by `now` stays where it is.
    static func plan(_ procedure: Procedure, form: StoredForm, dueDays: Int, now: Date, days: Int, random: inout SimulationRandom)
        -> [Simulated]
    {
        var result: [Simulated] = []
        let calendar = Calendar(identifier: .gregorian)
        let today = calendar.startOfDay(for: now)
        let mean = 1 + Double(SimulationRandom.hash(procedure.id) % 5)
        for offset in stride(from: max(0, days - 1), through: 0, by: -1) {
            guard let day = calendar.date(byAdding: .day, value: -offset, to: today) else { continue }
            let weekday = calendar.component(.weekday, from: day)
            guard weekday != 1, weekday != 7 else { continue }
            let count = max(0, (mean * (0.5 + random.unit())).rounded().clampedInt())
            for _ in 0..<count {
                let assisted = random.chance(0.2)
                let minute = assisted ? random.int((8 * 60)...(16 * 60)) : random.int((7 * 60)...(22 * 60))
                let submitted = day.addingTimeInterval(Double(minute * 60 + random.int(0...59)))
                guard submitted < now else { continue }
                var application = Simulated(
                    id: random.uuid(), reference: reference(procedure.country, submitted, &random),
                    answers: answers(form.definition, country: procedure.country, random: &random), channel: assisted ? .assisted : .online,
                    submittedAt: submitted, steps: [])
                application.steps = steps(from: submitted, dueDays: dueDays, now: now, random: &random)
                result.append(application)
            }
        }
        return result
    }

    /// The history after submission, cut at `now`.
    static func steps(from submitted: Date, dueDays: Int, now: Date, random: inout SimulationRandom)
        -> [(at: Date, action: String, from: ApplicationStatus, to: ApplicationStatus, note: String?)]
    {
        var steps: [(at: Date, action: String, from: ApplicationStatus, to: ApplicationStatus, note: String?)] = []
        func hours(_ range: ClosedRange<Int>) -> TimeInterval { Double(random.int(range)) * 3600 }
        var at = office(submitted.addingTimeInterval(hours(2...72)), &random)
        guard at < now else { return steps }
        steps.append((at, "claim", .submitted, .inReview, nil))
        if random.chance(0.125) {
            at = office(at.addingTimeInterval(hours(4...48)), &random)
            guard at < now else { return steps }
            steps.append((at, "request_changes", .inReview, .actionRequired, "Merci de joindre une pièce lisible (démo)."))
            guard random.chance(0.8) else { return steps }
            at = at.addingTimeInterval(hours(6...96))
            guard at < now else { return steps }
            steps.append((at, "resubmitted", .actionRequired, .submitted, nil))
            at = office(at.addingTimeInterval(hours(1...24)), &random)
            guard at < now else { return steps }
            steps.append((at, "claim", .submitted, .inReview, nil))
        }
        // The decision: around the declared time, a few late.
        let share = 0.2 + random.unit() * random.unit() * 1.6
        at = office(submitted.addingTimeInterval(max(at.timeIntervalSince(submitted) + 3600, Double(dueDays) * 86_400 * share)), &random)
        guard at < now else { return steps }
        if random.chance(0.08) {
            steps.append((at, "reject", .inReview, .rejected, "Les pièces ne correspondent pas à la demande (démo)."))
        } else {
            steps.append((at, "approved", .inReview, .approved, nil))
            steps.append((at, "document_issued", .approved, .documentIssued, nil))
        }
        return steps
    }

    /// The same moment if an agent works then (weekdays 08:00–17:00 UTC, the three countries' office hours give or
    /// take an hour), else the next working morning.
    static func office(_ date: Date, _ random: inout SimulationRandom) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        var day = calendar.startOfDay(for: date)
        let hour = calendar.component(.hour, from: date)
        let weekday = calendar.component(.weekday, from: date)
        if (2...6).contains(weekday), (8..<17).contains(hour) { return date }
        if hour >= 17 || !(2...6).contains(weekday) { day = day.addingTimeInterval(86_400) }
        while !(2...6).contains(calendar.component(.weekday, from: day)) { day = day.addingTimeInterval(86_400) }
        return day.addingTimeInterval(Double(8 * 3600 + random.int(0...(3 * 3600))))
    }

    static func reference(_ country: String, _ date: Date, _ random: inout SimulationRandom) -> String {
        ApplicationReference.make(country: country, year: Submissions.year(date)) { random.int(0...28) }
    }

    /// Made-up answers to the form's shown fields, each person marked "(démo)"; files are not simulated.
    static func answers(_ form: FormDefinition, country: String, random: inout SimulationRandom) -> [String: String] {
        var answers: [String: String] = [:]
        func one(_ lists: [String: [String]]) -> String {
            let list = lists[country] ?? lists["SN"] ?? [""]
            return list[random.int(0...(list.count - 1))]
        }
        let last = one(lastNames) + " (démo)"
        let first = one(firstNames)
        for field in form.fields where field.kind != .file && AnswerValidator.isShown(field, answers: answers) {
            let key = field.key
            switch field.kind {
            case .choice:
                let choices = field.choices ?? []
                if !choices.isEmpty { answers[key] = choices[random.int(0...(choices.count - 1))].value }
            case .date:
                answers[key] = Timestamps.day(Date(timeIntervalSince1970: Double(random.int(0...1_100_000_000))))
            case .number:
                answers[key] = String(max(1, (field.min ?? 1).clampedInt()))
            case .phone:
                answers[key] = (dialling[country] ?? "+22177") + String(format: "%07d", random.int(0...9_999_999))
            case .email:
                answers[key] = "demo\(random.int(1000...9999))@guichet.example"
            case .nationalId:
                guard field.isRequired else { continue }
                answers[key] = String(format: "%013d", random.int(0...999_999_999))
            case .text:
                if key.contains("last_name") {
                    answers[key] = last
                } else if key.contains("first_name") {
                    answers[key] = first
                } else if key.contains("name") {
                    answers[key] = "\(one(firstNames)) \(key.contains("mother") ? one(lastNames) + " (démo)" : last)"
                } else if key.contains("place") || key.contains("centre") || key.contains("town") {
                    answers[key] = one(towns)
                } else if let pattern = field.pattern, pattern.hasPrefix("[0-9]") {
                    answers[key] = String(random.int(1960...2024))
                } else if field.isRequired {
                    answers[key] = "Réponse simulée (démo)"
                }
            case .file:
                continue
            }
        }
        return answers
    }

    static func write(
        _ application: Simulated, procedure: Procedure, form: StoredForm, dueDays: Int, on sql: any SQLDatabase
    ) async throws {
        let submitted = AuditLog.timestamp(application.submittedAt)
        let updated = AuditLog.timestamp(application.steps.last?.at ?? application.submittedAt)
        let assisted = application.channel == .assisted
        try await sql.insert(into: "applications")
            .columns(
                "id", "reference", "procedure_id", "form_id", "institution_id", "country", "status", "channel", "filed_by", "answers", "revision",
                "assigned_to", "created_at", "updated_at", "submitted_at", "due_at", "decided_at", "simulated"
            )
            .values(
                SQLBind(application.id), SQLBind(application.reference), SQLBind(procedure.id), SQLBind(form.id), SQLBind(procedure.institution),
                SQLBind(procedure.country), SQLBind(application.status.rawValue), SQLBind(application.channel.rawValue),
                SQLBind(assisted ? actor : nil), SQLBind(ApplicationHistory.json(application.answers)), SQLBind(1 + application.steps.count),
                SQLBind(nil as String?), SQLBind(submitted), SQLBind(updated), SQLBind(submitted),
                SQLBind(AuditLog.timestamp(application.submittedAt.addingTimeInterval(Double(dueDays) * 86_400))),
                SQLBind(application.decidedAt.map { AuditLog.timestamp($0) }), SQLLiteral.boolean(true)
            ).run()
        try await ApplicationHistory.insertEvent(
            sql, application: application.id, actor: assisted ? actor : "applicant:\(application.reference)", action: "submitted", from: .draft,
            to: .submitted,
            at: submitted)
        for step in application.steps {
            try await ApplicationHistory.insertEvent(
                sql, application: application.id, actor: step.action == "resubmitted" ? "applicant:\(application.reference)" : actor,
                action: step.action,
                from: step.from, to: step.to, note: step.note, at: AuditLog.timestamp(step.at))
        }
    }
}

/// A flag on every application the demo's simulation writes: the figures of a deployment that is not the demo leave
/// them out (`SimulatedRows`).
struct AddApplicationsSimulatedFlag: AsyncMigration {
    var name: String { "2026-12-06-03-AddApplicationsSimulatedFlag" }

    func prepare(on database: any Database) async throws {
        try await database.schema("applications").field(
            "simulated", .bool, .required, .custom(SQLColumnConstraintAlgorithm.default(SQLLiteral.boolean(false)))
        ).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("applications").deleteField("simulated").update()
    }
}
