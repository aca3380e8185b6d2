// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import Applications

/// The whole story in HTML: apply from a browser without JavaScript, follow by reference, an agent asks for a
/// missing document, the person fixes it, the agent approves, and the document verifies.
@Suite struct FlowTests {
    @Test func applyTrackCorrectApproveAndVerify() async throws {
        try await Apply.withApp { client, components in
            let person = TestSession(client: client)
            let (id, reference, pin) = try await Apply.fileExtract(person)
            #expect(ApplicationReference.normalise(reference) == reference)
            #expect(pin.count == 6)
            // A second press of "send" (a retry) lands on the same confirmation: one application, one reference.
            let count = try await components.database.sql.raw("SELECT COUNT(*) AS n FROM applications WHERE status <> 'draft'").first()?.decode(
                column: "n", as: Int.self)
            #expect(count == 1)

            // Tracking, in English, shows the status and no answer of the person's.
            let tracker = TestSession(client: client)
            try await tracker.get(ApplicationsRoute.track.path() + "?lang=en")
            let tracked = try await tracker.post(
                ApplicationsRoute.track.path() + "?lang=en", form: [("reference", reference.lowercased()), ("pin", pin)])
            #expect(tracked.status == .ok)
            #expect(tracked.text.contains("Application status"))
            for personal in ["TESTDIOP", "Awa", "Mariama", "77 123", "771234567", "volet.pdf"] {
                #expect(!tracked.text.contains(personal), "\(personal) on the tracking page")
            }

            // The agent of the institution claims it and asks for a better document.
            let agent = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: ["sn-centre-etat-civil"])
            let inbox = try await agent.get(ApplicationsRoute.inbox.path())
            #expect(inbox.text.contains(reference))
            let page = try await agent.get(ApplicationsRoute.item.path(id))
            #expect(page.text.contains("TESTDIOP"))
            var revision = Apply.value(of: "revision", in: page.text) ?? ""
            #expect(
                try await agent.post(ApplicationsRoute.actions.path(id), form: [("revision", revision), ("action", "claim")]).status == .seeOther)
            revision = Apply.value(of: "revision", in: try await agent.get(ApplicationsRoute.item.path(id)).text) ?? ""
            let asked = try await agent.post(
                ApplicationsRoute.actions.path(id),
                form: [("revision", revision), ("action", "request_changes"), ("note", "Document illisible"), ("fields", "record_proof")])
            #expect(asked.status == .seeOther)

            // The person sees what to fix, corrects it with reference and PIN, and sends it back.
            let fixing = TestSession(client: client)
            try await fixing.get(ApplicationsRoute.track.path())
            let told = try await fixing.post(ApplicationsRoute.track.path(), form: [("reference", reference), ("pin", pin)])
            #expect(told.text.contains("Document illisible"))
            let correct = try await fixing.post(ApplicationsRoute.trackCorrect.path(), form: [("reference", reference), ("pin", pin)])
            #expect(correct.status == .seeOther)
            let documentsPage = correct.headers[.location] ?? ""
            #expect(documentsPage.hasSuffix("/pages/documents"))
            // Only the field to fix can change: another page is not offered.
            #expect(try await fixing.get(ApplicationsRoute.page.path(id, "record")).status == .notFound)
            let fixed = try await fixing.postMultipart(documentsPage, fields: [], files: [("record_proof", "scan.png", Apply.png)])
            #expect(fixed.status == .seeOther)
            let declaration = try await fixing.get(ApplicationsRoute.declaration.path(id))
            let resent = try await fixing.post(
                ApplicationsRoute.declaration.path(id), form: [("token", Apply.value(of: "token", in: declaration.text) ?? ""), ("confirm", "yes")])
            #expect(resent.status == .seeOther)
            let after = try #require(try await components.applications.store.application(id: id))
            #expect(after.status == .inReview)
            #expect(after.reference == reference)

            // The agent approves: the document is issued, signed, and verifies on the public page.
            revision = Apply.value(of: "revision", in: try await agent.get(ApplicationsRoute.item.path(id)).text) ?? ""
            #expect(
                try await agent.post(ApplicationsRoute.actions.path(id), form: [("revision", revision), ("action", "approve")]).status == .seeOther)
            let issued = try #require(try await components.applications.store.document(applicationId: id))
            let verified = try await client.execute(uri: ApplicationsRoute.verify.path(issued.code) + "?lang=en", method: .get) { $0 }
            #expect(verified.status == .ok)
            #expect(verified.text.contains("Genuine document"))
            #expect(verified.text.contains("TESTDIOP"))
            // The person's own document page, printable.
            let document = try await fixing.get(ApplicationsRoute.document.path(id))
            #expect(document.status == .ok)
            #expect(document.text.contains(issued.code))

            // Every step is in the audit log, and the chain holds.
            let actions = Set(try await AuditLog.records(on: components.database.db).map(\.entry.action))
            for action in [
                "application.started", "application.answers_saved", "application.file_attached", "application.submitted", "application.opened",
                "application.claim", "application.request_changes", "application.resumed", "application.resubmitted", "application.approve",
            ] {
                #expect(actions.contains(action), "\(action) not audited")
            }
            let events = try await AuditLog.records(on: components.database.db).count
            #expect(try await AuditLog.verify(on: components.database.db) == .intact(events: events))
        }
    }

    @Test func questionPagesShowErrorsInTheUsersLanguageAndKeepInput() async throws {
        try await Apply.withApp { client, components in
            let person = TestSession(client: client)
            let id = try await Apply.start(person, lang: "?lang=en")
            let empty = try await person.post(ApplicationsRoute.page.path(id, "requester") + "?lang=en", form: [("requester", "")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains("There is a problem"))
            #expect(empty.text.contains("Choose an answer for"))
            #expect(empty.text.contains("<title>Error:"))
            try await person.post(ApplicationsRoute.page.path(id, "requester"), form: Apply.answers["requester"]!)
            let wrong = try await person.post(
                ApplicationsRoute.page.path(id, "record"),
                form: [
                    ("last_name", "X"), ("first_names", "Y"), ("birth_date", "31/02/2019"), ("birth_place", "Z"), ("registry_centre", "W"),
                    ("mother_name", "V"),
                    ("registry_year", "12"),
                ])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("must be a real date"))
            #expect(wrong.text.contains("must be at least 1900"))
            // What was typed stays in the form.
            #expect(wrong.text.contains("value=\"31/02/2019\""))
            // Nothing of a refused page was saved.
            let draft = try #require(try await components.applications.store.application(id: id))
            #expect(draft.answers["last_name"] == nil)
            #expect(draft.answers["requester"] == "self")
        }
    }

    @Test func aDroppedConnectionResumesTheSameDraft() async throws {
        try await Apply.withApp { client, components in
            let person = TestSession(client: client)
            let id = try await Apply.start(person)
            try await person.post(ApplicationsRoute.page.path(id, "requester"), form: Apply.answers["requester"]!)
            // Coming back to the start page offers the draft, and starting again resumes it rather than making a second one.
            let start = try await person.get(ApplicationsRoute.apply.path(Apply.extract))
            #expect(start.text.contains("/applications/\(id)/pages/"))
            let again = try await person.post(ApplicationsRoute.apply.path(Apply.extract), form: [])
            #expect((again.headers[.location] ?? "").contains(id))
            let drafts = try await components.database.sql.raw("SELECT COUNT(*) AS n FROM applications").first()?.decode(column: "n", as: Int.self)
            #expect(drafts == 1)
            // Another browser cannot open it.
            let stranger = TestSession(client: client)
            try await stranger.get(ApplicationsRoute.track.path())
            #expect(try await stranger.get(ApplicationsRoute.page.path(id, "record")).status == .notFound)
            #expect(try await stranger.post(ApplicationsRoute.page.path(id, "record"), form: Apply.answers["record"]!).status == .notFound)
        }
    }
}
