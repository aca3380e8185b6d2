// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Centres

@Suite struct ConsoleTests {
    typealias F = CentresFixtures

    @Test func consoleIsScopedToTheCentresOfTheSignedInUser() async throws {
        try await F.withClient(seed: .demo) { client, components in
            let agent = try await TestApp.signedIn(client, components, role: .centreAgent, centres: [F.dakar])
            #expect(try await agent.get(CentresRoute.console.path(F.dakar)).status == .ok)
            #expect(try await agent.get(CentresRoute.console.path(F.brazzaville)).status == .forbidden)
            let list = try await agent.get(CentresRoute.adminList.path())
            #expect(list.text.contains(CentresRoute.console.path(F.dakar)) && !list.text.contains(CentresRoute.console.path(F.brazzaville)))
            #expect(list.text.contains("href=\"\(CentresRoute.adminList.path())\""), "the back-office menu leads to the console")

            let manager = try await TestApp.signedIn(client, components, role: .centreManager, centres: [F.brazzaville])
            #expect(try await manager.get(CentresRoute.console.path(F.brazzaville)).status == .ok)
            let refused = try await manager.post(CentresRoute.counterOpen.path(F.dakar, F.counter(1)), form: [("service", F.civil)])
            #expect(refused.status == .forbidden)
            let counter = try await DirectoryRepository(database: components.database).counter(F.counter(1), centre: F.dakar)
            #expect(!counter.isOpen)

            for role in [Role.analyst, .catalogEditor, .backOfficeAgent] {
                let other = try await TestApp.signedIn(client, components, role: role, institutions: role == .analyst ? [] : ["sn-mairie"])
                #expect(try await other.get(CentresRoute.console.path(F.dakar)).status == .forbidden, "\(role)")
            }
            let admin = try await TestApp.signedIn(client, components, role: .administrator)
            #expect(try await admin.get(CentresRoute.console.path(F.brazzaville)).status == .ok)
        }
    }

    @Test func anAgentServesAVisitorFromReceptionToFinish() async throws {
        try await F.withClient { client, components in
            let user = try await TestApp.createUser(components, role: .centreAgent, centres: [F.dakar])
            let agent = TestSession(client: client)
            #expect(try await agent.signIn(email: user.email, password: user.password).status == .seeOther)
            try await agent.get(CentresRoute.console.path(F.dakar))
            let issued = try await agent.post(CentresRoute.reception.path(F.dakar), form: [("service", F.identity), ("priority", "appointment")])
            #expect(issued.status == .seeOther && issued.headers[.location] == CentresRoute.console.path(F.dakar) + "?issued=B001")
            #expect(
                try await agent.post(CentresRoute.counterOpen.path(F.dakar, F.counter(1)), form: [("service", F.civil), ("service", F.identity)])
                    .status == .seeOther)
            #expect(try await agent.post(CentresRoute.counterCall.path(F.dakar, F.counter(1)), form: []).status == .seeOther)
            let console = try await agent.get(CentresRoute.console.path(F.dakar))
            #expect(console.text.contains("<strong>B001</strong> · appelé"))
            let queue = F.queue(components)
            let ticket = try #require(try await queue.current(counter: F.counter(1)))
            for action in ["recall", "start", "finish"] {
                let response = try await agent.post(CentresRoute.counterAction.path(F.dakar, F.counter(1), ticket.id, action), form: [])
                #expect(response.status == .seeOther, "\(action)")
            }
            // Finishing twice is a conflict, shown as a page.
            #expect(try await agent.post(CentresRoute.counterAction.path(F.dakar, F.counter(1), ticket.id, "finish"), form: []).status == .conflict)
            #expect(try await queue.ticket(id: ticket.id)?.ticketStatus == .done)
            #expect(try await agent.post(CentresRoute.counterClose.path(F.dakar, F.counter(1)), form: []).status == .seeOther)
            let events = try await AuditLog.records(on: components.database.db).filter { $0.entry.entityId == ticket.id }
            #expect(events.map(\.entry.action) == ["ticket.issued", "ticket.called", "ticket.recall", "ticket.start", "ticket.finish"])
            #expect(events.allSatisfy { $0.entry.actor == "user:\(user.id)" })
            // Without the form's token nothing happens.
            #expect(
                try await agent.post(CentresRoute.counterOpen.path(F.dakar, F.counter(2)), form: [("service", F.civil)], withToken: false).status
                    == .forbidden)
        }
    }

    /// Assisted digital: while a visitor is served, the console links to filing an application for them, and only then.
    @Test func whileServingTheConsoleLinksToAnAssistedApplication() async throws {
        try await F.withClient { client, components in
            let agent = try await TestApp.signedIn(client, components, role: .centreAgent, centres: [F.dakar])
            try await agent.get(CentresRoute.console.path(F.dakar))
            #expect(try await agent.post(CentresRoute.counterOpen.path(F.dakar, F.counter(1)), form: [("service", F.civil)]).status == .seeOther)
            let queue = F.queue(components)
            let ticket = try await queue.issue(.init(centreId: F.dakar, serviceId: F.civil, channel: .kiosk, actor: "test"))
            #expect(try await agent.post(CentresRoute.counterCall.path(F.dakar, F.counter(1)), form: []).status == .seeOther)
            let link = "<a href=\"/admin/applications/assisted?ticket=\(ticket.id)\">Déposer une demande pour ce visiteur</a>"
            #expect(
                !(try await agent.get(CentresRoute.console.path(F.dakar))).text.contains("/admin/applications/assisted?ticket="),
                "called, not yet served")
            #expect(try await agent.post(CentresRoute.counterAction.path(F.dakar, F.counter(1), ticket.id, "start"), form: []).status == .seeOther)
            #expect(try await agent.get(CentresRoute.console.path(F.dakar)).text.contains(link))
            #expect(try await agent.get(CentresRoute.console.path(F.dakar) + "?lang=en").text.contains(">File an application for this visitor</a>"))
            #expect(try await agent.post(CentresRoute.counterAction.path(F.dakar, F.counter(1), ticket.id, "finish"), form: []).status == .seeOther)
            #expect(!(try await agent.get(CentresRoute.console.path(F.dakar))).text.contains("/admin/applications/assisted?ticket="))
        }
    }
}
