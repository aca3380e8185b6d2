// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
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

@Suite struct BackOfficeTests {
    /// Two agents act on the same application at once: one wins, the other gets a clear conflict with their note kept.
    @Test func twoAgentsAtOnceGetAConflictAndLoseNothing() async throws {
        try await Apply.withApp { client, components in
            let (id, _, _) = try await Apply.fileExtract(TestSession(client: client))
            let first = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: ["sn-centre-etat-civil"])
            let second = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: ["sn-centre-etat-civil"])
            let revision1 = Apply.value(of: "revision", in: try await first.get(ApplicationsRoute.item.path(id)).text) ?? ""
            let revision2 = Apply.value(of: "revision", in: try await second.get(ApplicationsRoute.item.path(id)).text) ?? ""
            #expect(revision1 == revision2)
            #expect(
                try await first.post(
                    ApplicationsRoute.actions.path(id), form: [("revision", revision1), ("action", "reject"), ("note", "Pièce fausse")]
                ).status == .seeOther)
            let late = try await second.post(
                ApplicationsRoute.actions.path(id),
                form: [("revision", revision2), ("action", "request_changes"), ("note", "Mon message à garder"), ("fields", "record_proof")])
            #expect(late.status == .conflict)
            #expect(late.text.contains("Mon message à garder"))
            #expect(late.text.contains("Refusée"))
            let record = try #require(try await components.applications.store.application(id: id))
            #expect(record.status == .rejected)
            // The inbox filters by any agent of the institution: the first agent's one shows under their name.
            let firstRow = try await components.database.sql.raw("SELECT id FROM users WHERE role = 'back_office_agent' ORDER BY created_at LIMIT 1")
                .first()
            let firstId = try #require(try firstRow?.decode(column: "id", as: String.self))
            let byAgent = try await second.get(ApplicationsRoute.inbox.path() + "?assigned=\(firstId)")
            #expect(byAgent.text.contains("<option value=\"\(firstId)\" selected>"))
            // A refusal needs its reason; a correction request needs the fields to fix.
            let (id2, _, _) = try await Apply.fileExtract(TestSession(client: client))
            let revision = Apply.value(of: "revision", in: try await first.get(ApplicationsRoute.item.path(id2)).text) ?? ""
            #expect(
                try await first.post(ApplicationsRoute.actions.path(id2), form: [("revision", revision), ("action", "reject"), ("note", " ")]).status
                    == .unprocessableContent)
            #expect(
                try await first.post(
                    ApplicationsRoute.actions.path(id2), form: [("revision", revision), ("action", "request_changes"), ("note", "x")]
                ).status == .unprocessableContent)
            #expect(try await components.applications.store.application(id: id2)?.status == .submitted)
        }
    }

    /// Many concurrent actions on one application through the service: exactly one applies per revision.
    @Test func concurrentActionsApplyOnce() async throws {
        try await Apply.withApp { client, components in
            let (id, _, _) = try await Apply.fileExtract(TestSession(client: client))
            let record = try #require(try await components.applications.store.application(id: id))
            let admin = DocumentTests.admin
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        do {
                            _ = try await components.applications.casework.act(
                                record, .init(action: index % 2 == 0 ? .approve : .reject, expectedRevision: record.revision, note: "n"),
                                principal: admin,
                                origin: .init(actor: "test-\(index)"))
                            return true
                        } catch let error as AppError where error.status == .conflict {
                            return false
                        }
                    }
                }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.filter { $0 }.count == 1, "\(results)")
            let documents = try await components.database.sql.raw("SELECT COUNT(*) AS n FROM issued_documents").first()?.decode(
                column: "n", as: Int.self)
            let final = try #require(try await components.applications.store.application(id: id))
            #expect(documents == (final.status == .documentIssued ? 1 : 0))
        }
    }

    @Test func agentsSeeOnlyTheirInstitutions() async throws {
        try await Apply.withApp { client, components in
            let (id, reference, _) = try await Apply.fileExtract(TestSession(client: client))
            let togo = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: ["tg-centres-etat-civil"])
            #expect(!(try await togo.get(ApplicationsRoute.inbox.path()).text.contains(reference)))
            #expect(try await togo.get(ApplicationsRoute.item.path(id)).status == .notFound)
            #expect(try await togo.get(ApplicationsRoute.file.path(id, "record_proof")).status == .notFound)
            #expect(try await togo.post(ApplicationsRoute.actions.path(id), form: [("revision", "1"), ("action", "claim")]).status == .notFound)
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            #expect(try await editor.get(ApplicationsRoute.inbox.path()).status == .forbidden)
            #expect(try await editor.get(ApplicationsRoute.item.path(id)).status == .forbidden)
            let visitor = TestSession(client: client)
            #expect(try await visitor.get(ApplicationsRoute.item.path(id)).status == .seeOther)
            // Every opening of the person's data is audited, downloads included.
            let agent = try await TestApp.signedIn(client, components, role: .backOfficeAgent, institutions: ["sn-centre-etat-civil"])
            try await agent.get(ApplicationsRoute.item.path(id))
            let file = try await agent.get(ApplicationsRoute.file.path(id, "record_proof"))
            #expect(file.status == .ok)
            #expect(file.headers[.contentType] == "application/pdf")
            #expect(file.headers[.cacheControl] == "no-store")
            let opened = try await AuditLog.records(on: components.database.db).filter { $0.entry.action == "application.opened" }
            #expect(opened.count == 2)
        }
    }

    @Test func aCentreAgentFilesForAVisitor() async throws {
        try await Apply.withApp { client, components in
            let agent = try await TestApp.signedIn(client, components, role: .centreAgent, centres: ["sn-ess-dakar"])
            let list = try await agent.get(ApplicationsRoute.assisted.path() + "?ticket=ticket-123")
            #expect(list.text.contains(ApplicationsRoute.apply.path(Apply.extract) + "?ticket=ticket-123"))
            let start = try await agent.get(ApplicationsRoute.apply.path(Apply.extract) + "?ticket=ticket-123")
            #expect(start.text.contains("name=\"assisted\" value=\"1\""))
            let begun = try await agent.post(ApplicationsRoute.apply.path(Apply.extract), form: [("assisted", "1"), ("ticket", "ticket-123")])
            let id = String((begun.headers[.location] ?? "").split(separator: "/")[1])
            let record = try #require(try await components.applications.store.application(id: id))
            #expect(record.channel == .assisted)
            #expect(record.ticketId == "ticket-123")
            #expect(record.centreId == "sn-ess-dakar")
            #expect(record.ownerHash == nil)
            // The agent goes on through the same pages; a visitor's browser cannot.
            #expect(try await agent.get(ApplicationsRoute.page.path(id, "requester")).status == .ok)
            #expect(try await TestSession(client: client).get(ApplicationsRoute.page.path(id, "requester")).status == .notFound)
            // Only centre agents (and administrators) file for someone else.
            let person = TestSession(client: client)
            try await person.get(ApplicationsRoute.apply.path(Apply.extract))
            #expect(try await person.post(ApplicationsRoute.apply.path(Apply.extract), form: [("assisted", "1")]).status == .seeOther)
            #expect(try await person.get(ApplicationsRoute.assisted.path()).status == .seeOther)
        }
    }

    @Test func editorsAttachVersionedFormsAndApplicationsKeepTheirVersion() async throws {
        try await Apply.withApp { client, components in
            let (id, _, _) = try await Apply.fileExtract(TestSession(client: client))
            let before = try #require(try await components.applications.store.application(id: id)).formId
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            let page = try await editor.get(ApplicationsRoute.form.path(Apply.extract))
            #expect(page.status == .ok)
            let text = try #require(Apply.textarea(page.text))
            let broken = try await editor.post(
                ApplicationsRoute.form.path(Apply.extract),
                form: [("definition", text.replacingOccurrences(of: "key: requester_name", with: "key: Bad Key"))])
            #expect(broken.status == .unprocessableContent)
            #expect(broken.text.contains("pages[0].fields[2].key"))
            let changed = text.replacingOccurrences(of: "maxLength: 80", with: "maxLength: 90")
            #expect(try await editor.post(ApplicationsRoute.form.path(Apply.extract), form: [("definition", changed)]).status == .seeOther)
            let current = try #require(try await components.applications.forms.current(procedure: Apply.extract))
            #expect(current.number == 2)
            #expect(current.id != before)
            #expect(try await components.applications.store.application(id: id)?.formId == before)
            // Another institution's procedure is not theirs to change.
            #expect(try await editor.get(ApplicationsRoute.form.path("tg-copie-acte-etat-civil")).status == .notFound)
            // A procedure without a form starts from its requirements.
            let starter = try await editor.get(ApplicationsRoute.form.path("sn-declaration-deces"))
            #expect(starter.text.contains("kind: file"))
        }
    }
}

extension Apply {
    static func textarea(_ html: String) -> String? {
        guard let start = html.range(of: "<textarea id=\"definition\""), let open = html[start.upperBound...].firstIndex(of: ">"),
            let end = html.range(of: "</textarea>", range: open..<html.endIndex)
        else { return nil }
        return String(html[html.index(after: open)..<end.lowerBound]).replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(
            of: "&quot;", with: "\""
        )
        .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}
