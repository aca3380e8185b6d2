// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import Testing

@testable import Applications

@Suite struct ValidationTests {
    func field(_ kind: FieldKind, _ configure: (inout FormField) -> Void = { _ in }) -> FormField {
        var field = FormField(
            key: "f", kind: kind, label: LocalizedText(fr: "F"), hint: nil, required: true, minLength: nil, maxLength: nil, pattern: nil, min: nil,
            max: nil,
            notAfterToday: nil, choices: nil, showIf: nil)
        configure(&field)
        return field
    }

    func check(_ field: FormField, _ raw: String) -> String? {
        if case .success(let value) = AnswerValidator.check(field, raw, today: Date(timeIntervalSince1970: 1_790_000_000)) { return value }
        return nil
    }

    @Test func eachKindNormalisesGoodAnswersAndRefusesBadOnes() {
        #expect(check(field(.date), "27/03/2019") == "2019-03-27")
        #expect(check(field(.date), "2019-03-27") == "2019-03-27")
        #expect(check(field(.date), "29/02/2023") == nil)
        #expect(check(field(.date), "29/02/2024") == "2024-02-29")
        #expect(check(field(.date) { $0.notAfterToday = true }, "01/01/2099") == nil)
        #expect(
            check(
                field(.number) {
                    $0.min = 1
                    $0.max = 10
                }, "2,0") == "2")
        #expect(
            check(
                field(.number) {
                    $0.min = 1
                    $0.max = 10
                }, "11") == nil)
        #expect(check(field(.number), "deux") == nil)
        #expect(check(field(.phone), "+221 77 123 45 67") == "+221771234567")
        #expect(check(field(.phone), "00228 90 00 00 00") == "+22890000000")
        #expect(check(field(.phone), "12") == nil)
        #expect(check(field(.phone), "77-ABC-4567") == nil)
        #expect(check(field(.nationalId), "1 234 1990 01234") == "1234199001234")
        #expect(check(field(.nationalId), "12") == nil)
        #expect(check(field(.email), "Awa@Exemple.SN") == "awa@exemple.sn")
        #expect(check(field(.email), "awa@exemple") == nil)
        #expect(check(field(.text) { $0.maxLength = 3 }, "abcd") == nil)
        #expect(check(field(.text) { $0.minLength = 2 }, "a") == nil)
        #expect(check(field(.text) { $0.pattern = "[0-9]{4}" }, "2019") == "2019")
        #expect(check(field(.text) { $0.pattern = "[0-9]{4}" }, "2019a") == nil)
        let choice = field(.choice) { $0.choices = [FormChoice(value: "a", label: LocalizedText(fr: "A"))] }
        #expect(check(choice, "a") == "a")
        #expect(check(choice, "b") == nil)
    }

    @Test func hiddenFieldsAreNeitherAskedNorKept() {
        let definition = try! ApplicationsDemo.forms().first { $0.procedure == "sn-carte-nationale-identite" }!.form
        let page = definition.pages[0]
        var input = [
            "reason": "first", "previous_number": "ZZ", "last_name": "A", "first_names": "B", "birth_date": "01/01/1990", "phone": "771234567",
            "enrolment_centre": "C",
        ]
        let first = AnswerValidator.validate(page: page, input: input, previous: [:])
        #expect(first.errors.isEmpty)
        #expect(first.answers["previous_number"] == nil)
        input["reason"] = "renewal"
        let renewal = AnswerValidator.validate(page: page, input: input, previous: [:])
        #expect(renewal.errors.map(\.field) == ["previous_number"])
        // Files depend on the answers too: a lost card needs the certificate of loss, a first card or a renewal does not. The
        // nationality certificate is offered to a first card but not required (only when nationality is in doubt).
        #expect(AnswerValidator.missing(definition, answers: first.answers, files: ["birth_extract"]).isEmpty)
        input["reason"] = "loss"
        let loss = AnswerValidator.validate(page: page, input: input, previous: [:])
        #expect(AnswerValidator.missing(definition, answers: loss.answers, files: ["birth_extract"]) == ["loss_certificate"])
        #expect(
            AnswerValidator.missing(definition, answers: renewal.answers.merging(["previous_number": "AB12345"]) { $1 }, files: ["birth_extract"])
                .isEmpty)
    }

    @Test func everyDemoFormIsValidAndFindsItsProcedure() throws {
        let demo = try ApplicationsDemo.forms()
        #expect(demo.count >= 6)
        for (procedure, form) in demo { #expect(form.problems().isEmpty, "\(procedure): \(form.problems())") }
        let document = try TestApp.demoDocument()
        let ids = Set(document.procedures.map(\.id))
        for (procedure, _) in demo { #expect(ids.contains(procedure), "\(procedure) is not in the demo catalogue") }
        #expect(demo.filter { $0.procedure.hasPrefix("sn-") }.count >= 4)
        #expect(demo.contains { $0.procedure.hasPrefix("tg-") } && demo.contains { $0.procedure.hasPrefix("cg-") })
    }

    @Test func brokenDefinitionsAreNamedByPath() {
        var definition = try! ApplicationsDemo.forms()[0].form
        definition.pages[0].fields[1].showIf = FieldCondition(field: "nowhere", equals: "x")
        definition.pages[1].fields[0].pattern = "(["
        definition.document.fields.append("record_proof")
        let paths = definition.problems().map(\.path)
        #expect(paths.contains("pages[0].fields[1].showIf.field"))
        #expect(paths.contains("pages[1].fields[0].pattern"))
        #expect(paths.contains { $0.hasPrefix("document.fields[") })
    }
}

@Suite struct UploadTests {
    @Test func typeIsReadFromContentAndLimitsHold() async throws {
        try await Apply.withApp { client, components in
            let person = TestSession(client: client)
            let id = try await Apply.start(person)
            for page in ["requester", "record", "contact"] {
                try await person.post(ApplicationsRoute.page.path(id, page), form: Apply.answers[page]!)
            }
            // Named .pdf, but HTML inside: refused, nothing stored.
            let fake = try await person.postMultipart(
                ApplicationsRoute.page.path(id, "documents"), fields: [], files: [("record_proof", "acte.pdf", Array("<html>".utf8))])
            #expect(fake.status == .unprocessableContent)
            #expect(fake.text.contains("doit être un PDF, un JPEG ou un PNG"))
            // Over the per-file limit (64 KB in tests).
            let big = Apply.pdf + [UInt8](repeating: 32, count: 70 * 1024)
            let tooBig = try await person.postMultipart(
                ApplicationsRoute.page.path(id, "documents"), fields: [], files: [("record_proof", "big.pdf", big)])
            #expect(tooBig.status == .unprocessableContent)
            #expect(tooBig.text.contains("dépasse"))
            let stored = try await components.database.sql.raw("SELECT COUNT(*) AS n FROM application_files").first()?.decode(
                column: "n", as: Int.self)
            #expect(stored == 0)
            // No file at all on a required field.
            let none = try await person.postMultipart(ApplicationsRoute.page.path(id, "documents"), fields: [], files: [])
            #expect(none.text.contains("Joignez"))
            // A JPEG passes, is kept outside the web root under its SHA-256, and only an agent can read it back.
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 1, count: 100)
            #expect(
                try await person.postMultipart(ApplicationsRoute.page.path(id, "documents"), fields: [], files: [("record_proof", "photo.jpg", jpeg)])
                    .status == .seeOther)
            let file = try #require(try await components.applications.store.files(id).first)
            #expect(file.mediaType == "image/jpeg")
            #expect(file.sha256 == FileInspector.sha256(jpeg))
            let path = URL(fileURLWithPath: components.configuration.dataDirectory).appendingPathComponent(
                "uploads/\(file.sha256.prefix(2))/\(file.sha256)"
            ).path
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try await client.execute(uri: "/uploads/\(file.sha256.prefix(2))/\(file.sha256)", method: .get) { $0 }.status == .notFound)
        }
    }

    @Test func theWholeApplicationHasATotalLimit() async throws {
        try await Apply.withApp { _, components in
            let service = components.applications
            let procedure = try #require(
                try await CatalogRepository(database: components.database.db).procedures(ids: ["sn-declaration-naissance"]).first)
            let form = try #require(try await service.forms.current(procedure: procedure.id))
            let (record, _) = try await service.submissions.create(
                .init(
                    procedure: procedure, form: form, answers: ["birth_place": "facility"], submit: false, scope: "t", idempotencyKey: "total-1",
                    requestHash: "h",
                    filing: .init(channel: .api)), origin: .init(actor: "test"))
            let chunk = Apply.pdf + [UInt8](repeating: 32, count: 60 * 1024)
            try await service.drafts.attach(
                record, field: try #require(form.definition.field("delivery_certificate")), filename: "a.pdf", bytes: chunk, origin: .init(actor: "t")
            )
            try await service.drafts.attach(
                record, field: try #require(form.definition.field("witnesses_ids")), filename: "b.pdf", bytes: chunk, origin: .init(actor: "t"))
            // 3 × 60 KB > 160 KB in tests.
            await #expect(throws: AppError.self) {
                try await service.drafts.attach(
                    record, field: try #require(form.definition.field("declarant_id")), filename: "c.pdf", bytes: chunk, origin: .init(actor: "t"))
            }
            #expect(try await service.store.files(record.id).count == 2)
        }
    }
}

@Suite struct PrivacyTests {
    /// Names, phone numbers, PINs and answers never reach the logs, at any level, through a whole application's life.
    @Test func noPersonalDataInLogs() async throws {
        let log = CapturedLog()
        try await Apply.withApp(logger: log.logger()) { client, components in
            let person = TestSession(client: client)
            let (_, reference, pin) = try await Apply.fileExtract(person)
            try await person.get(ApplicationsRoute.track.path())
            try await person.post(ApplicationsRoute.track.path(), form: [("reference", reference), ("pin", pin)])
            try await person.post(ApplicationsRoute.track.path(), form: [("reference", reference), ("pin", "000001")])
            let agent = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: ["sn-centre-etat-civil"])
            try await agent.get(ApplicationsRoute.inbox.path())
        }
        let text = log.text
        #expect(!text.isEmpty)
        for secret in ["TESTDIOP", "Testdiop", "Mariama", "771234567", "77 123 45 67", "volet.pdf"] {
            #expect(!text.contains(secret), "\(secret) in the log")
        }
    }

    /// The audit log names what changed, never the person's answers.
    @Test func auditSummariesCarryNoAnswers() async throws {
        try await Apply.withApp { client, components in
            _ = try await Apply.fileExtract(TestSession(client: client))
            try await AuditLog.chainPending(on: components.database.db)
            let records = try await components.database.sql.raw("SELECT summary FROM audit_events").all().map {
                try $0.decode(column: "summary", as: String.self)
            }
            for summary in records { #expect(!summary.contains("TESTDIOP") && !summary.contains("771234567"), "\(summary)") }
        }
    }
}
