// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Centres

@Suite struct CentresPagesTests {
    typealias F = CentresFixtures

    @Test func directoryMapCentrePageAndGeoJSON() async throws {
        try await F.withClient { client, _ in
            try await client.execute(uri: CentresRoute.list.path(), method: .get) { response in
                #expect(response.status == .ok)
                let html = response.text
                #expect(html.contains("<h1>Centres de services</h1>"))
                #expect(html.contains("<svg class=\"map\" width=\"100%\" viewBox="))
                #expect(html.contains("href=\"/centres/test-dakar\""))
                #expect(html.contains("<span class=\"tag\">prévu</span>"))
                #expect(!html.contains("<script"))
                #expect(html.utf8.count < 20_480)
            }
            try await client.execute(uri: CentresRoute.list.path() + "?country=CG&lang=en", method: .get) { response in
                #expect(response.text.contains("Centre test de Brazzaville") && !response.text.contains("Dakar test centre"))
            }
            try await client.execute(uri: CentresRoute.list.path() + "?country=ZZ", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: CentresRoute.centre.path(F.brazzaville), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("Africa/Brazzaville (UTC+1)"))
                #expect(html.contains("Centre prévu par le programme"))
                #expect(html.contains("Horaires indicatifs"))
                #expect(html.contains("<th scope=\"row\">Lundi"))
                #expect(html.contains("08:00–16:00"))
                #expect(html.contains("C · Casier judiciaire"))
                // Only closures to come are listed.
                #expect(html.contains("2099-01-05 : Inventaire lointain") && !html.contains("Fermeture de test"))
            }
            try await client.execute(uri: CentresRoute.centre.path("nowhere"), method: .get) { response in #expect(response.status == .notFound) }
            try await client.execute(uri: CentresRoute.geoJSON.path(), method: .get) { response in
                #expect(response.headers[.contentType] == "application/geo+json")
                let json = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                let features = json?["features"] as? [[String: Any]] ?? []
                #expect(json?["type"] as? String == "FeatureCollection" && features.count == 2)
                let geometry =
                    features.first { ($0["properties"] as? [String: Any])?["id"] as? String == F.brazzaville }?["geometry"] as? [String: Any]
                #expect(geometry?["coordinates"] as? [Double] == [15.28, -4.27])
                #expect(!response.text.contains("phone"))
            }
        }
    }

    /// The whole visit: a ticket at the kiosk, called on the console's service, shown on the board, rated, counted in the results.
    @Test func kioskTicketBoardFeedbackAndResults() async throws {
        try await F.withClient { client, components in
            var session = FormSession()
            let kiosk = try await client.execute(uri: CentresRoute.kiosk.path(F.dakar) + "?lang=en", method: .get) { $0 }
            #expect(kiosk.status == .ok)
            #expect(kiosk.text.contains("<html lang=\"en\">") && kiosk.text.contains("Civil registration"))
            #expect(kiosk.text.contains("button class=\"big\" type=\"submit\" name=\"service\" value=\"\(F.civil)\""))
            session.read(kiosk)
            #expect(!session.cookie.isEmpty && !session.token.isEmpty)
            let request = try #require(kiosk.text.field("request"))
            // Without the CSRF token: refused, nothing issued.
            var forged = session
            forged.token = "x"
            #expect(try await forged.post(client, CentresRoute.kioskTickets.path(F.dakar), [("service", F.civil)]).status == .forbidden)
            let posted = try await session.post(
                client, CentresRoute.kioskTickets.path(F.dakar), [("service", F.civil), ("priority", "elderly"), ("request", request)])
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers[.location])
            #expect(location.hasPrefix("/tickets/") && location.contains("kiosk=1"))
            // The same form sent again (a retry on a flaky network) gives the same ticket.
            let retried = try await session.post(
                client, CentresRoute.kioskTickets.path(F.dakar), [("service", F.civil), ("priority", "elderly"), ("request", request)])
            #expect(retried.headers[.location] == location)
            #expect(try await F.count(components, "centre_tickets") == 1)
            let ticketPage = try await client.execute(uri: location, method: .get) { $0 }
            #expect(ticketPage.status == .ok)
            #expect(ticketPage.text.contains("<p class=\"board\">A001</p>"), "the kiosk shows the number in large type")
            #expect(ticketPage.text.contains("Personne âgée") || ticketPage.text.contains("Older person"))
            #expect(ticketPage.headers[.init("Refresh")!] == "15")
            let code = String(location.dropFirst("/tickets/".count).prefix(8))

            let queue = F.queue(components)
            try await queue.openCounter(centre: F.dakar, counter: F.counter(3), services: [F.civil], actor: "user:agent")
            let called = try #require(try await queue.callNext(centre: F.dakar, counter: F.counter(3), actor: "user:agent"))
            try await client.execute(uri: CentresRoute.board.path(F.dakar), method: .get) { response in
                #expect(response.text.contains("<tr class=\"latest\"><td>A001</td><td>3</td></tr>"))
                #expect(response.text.contains("<meta http-equiv=\"refresh\" content=\"15\">"))
                #expect(!response.text.contains(code), "the board shows numbers, never ticket codes")
            }
            try await client.execute(uri: CentresRoute.ticket.path(code), method: .get) { response in
                #expect(response.text.contains("Présentez-vous au guichet 3"))
            }
            _ = try await queue.apply(.start, ticket: called.id, centre: F.dakar, counter: F.counter(3), actor: "user:agent")
            _ = try await queue.apply(.finish, ticket: called.id, centre: F.dakar, counter: F.counter(3), actor: "user:agent")
            let ticketDone = try await client.execute(uri: CentresRoute.ticket.path(code), method: .get) { $0 }
            #expect(ticketDone.text.contains(CentresRoute.ticketFeedback.path(code)))
            #expect(ticketDone.headers[.init("Refresh")!] == nil)

            var rater = FormSession()
            rater.read(try await client.execute(uri: CentresRoute.ticketFeedback.path(code), method: .get) { $0 })
            let missing = try await rater.post(client, CentresRoute.ticketFeedback.path(code), [("comment", "ok")])
            #expect(missing.status == .unprocessableContent && missing.text.contains("Choisissez une des quatre réponses."))
            let rated = try await rater.post(client, CentresRoute.ticketFeedback.path(code), [("rating", "4"), ("reason", "welcome")])
            #expect(rated.status == .seeOther)
            #expect(try await rater.post(client, CentresRoute.ticketFeedback.path(code), [("rating", "1")]).status == .conflict)

            try await client.execute(uri: CentresRoute.results.path(), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("Nos engagements, nos résultats"))
                #expect(html.contains("80 % des usagers appelés au guichet en 20 minutes au plus."))
                #expect(html.contains("<svg class=\"chart\""))
                #expect(html.contains("<a href=\"/centres/test-dakar\">Centre test de Dakar</a></th><td>1</td><td>100.0 %</td>"))
                #expect(html.utf8.count < 20_480)
            }
            try await client.execute(uri: CentresRoute.results.path() + "?month=2026-13", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    /// With the whole demo directory, each public page and its stylesheets stay under 20 KB (before gzip).
    @Test func publicPagesStaySmallWithTheDemoDirectory() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            _ = try await F.importer(components).importDocument(try CentresModule.demoDocument(), actor: "test")
            let core = try await client.execute(uri: "/static/guichet.css", method: .get) { $0.body.readableBytes }
            let screen = try await client.execute(uri: CentresRoute.stylesheet.path(), method: .get) { response in
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                return response.body.readableBytes
            }
            let pages = [
                CentresRoute.list.path(), CentresRoute.list.path() + "?lang=en", CentresRoute.list.path() + "?country=SN",
                CentresRoute.centre.path("sn-ess-dakar"),
                CentresRoute.centre.path("cg-acpce-brazzaville") + "?lang=en", CentresRoute.remote.path("sn-ess-dakar"), CentresRoute.results.path(),
                CentresRoute.appointments.path("sn-ess-dakar") + "?service=sn-ess-dakar.etat-civil&lang=en",
            ]
            for uri in pages {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.body.readableBytes + core <= 20_480, "\(uri): \(response.body.readableBytes) + \(core) bytes")
                }
            }
            for uri in [CentresRoute.kiosk.path("sn-ess-dakar"), CentresRoute.board.path("sn-ess-dakar"), CentresRoute.tablet.path("sn-ess-dakar")] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.text.contains(CentresRoute.stylesheet.path() + "?v="), "\(uri) uses the screen stylesheet")
                    #expect(response.body.readableBytes + core + screen <= 20_480, "\(uri)")
                }
            }
        }
    }

    @Test func remoteTicketFormValidatesThePhoneAndKeepsItOutOfTheTicketPage() async throws {
        try await F.withClient { client, _ in
            var session = FormSession()
            let form = try await client.execute(uri: CentresRoute.remote.path(F.dakar), method: .get) { $0 }
            #expect(form.text.contains("<label for=\"phone\">"))
            session.read(form)
            let bad = try await session.post(client, CentresRoute.remote.path(F.dakar), [("service", F.civil), ("phone", "123")])
            #expect(bad.status == .unprocessableContent && bad.text.contains("n&#39;est pas un numéro de téléphone"))
            // A number of a country Guichet does not serve is refused with that reason.
            let foreign = try await session.post(client, CentresRoute.remote.path(F.dakar), [("service", F.civil), ("phone", "+33 6 12 34 56 78")])
            #expect(foreign.status == .unprocessableContent && foreign.text.contains("Sénégal (+221)"))
            let good = try await session.post(client, CentresRoute.remote.path(F.dakar), [("service", F.civil), ("phone", "+221 77 000 11 22")])
            #expect(good.status == .seeOther)
            let location = try #require(good.headers[.location])
            #expect(!location.contains("221"))
            try await client.execute(uri: location, method: .get) { response in
                #expect(response.status == .ok && !response.text.contains("770001122") && !response.text.contains("77 000"))
            }
        }
    }

    /// The application's clock stands still between two answers, however slow the machine, and moves when told.
    @Test func tabletFeedbackIsRateLimited() async throws {
        try await F.withClient { client, components in
            let clock = try F.clock(components)
            let tablet = CentresRoute.tablet.path(F.dakar)
            var session = FormSession()
            session.read(try await client.execute(uri: tablet, method: .get) { $0 })
            #expect(try await session.post(client, tablet, [("rating", "3")]).status == .seeOther)
            #expect(try await session.post(client, tablet, [("rating", "3")]).status == .tooManyRequests)
            clock.advance(by: Double(PublicLimits().feedbackIntervalSeconds) - 1)
            #expect(try await session.post(client, tablet, [("rating", "2")]).status == .tooManyRequests)
            clock.advance(by: 2)
            #expect(try await session.post(client, tablet, [("rating", "2")]).status == .seeOther)
            #expect(try await F.count(components, "centre_feedback") == 2)
        }
    }

    @Test func consoleNeedsASignedInAgent() async throws {
        try await F.withClient { client, _ in
            try await client.execute(uri: CentresRoute.console.path(F.dakar), method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix(CorePaths.signIn) == true)
            }
            var session = FormSession()
            session.read(try await client.execute(uri: CentresRoute.kiosk.path(F.dakar), method: .get) { $0 })
            let call = try await session.post(client, CentresRoute.counterCall.path(F.dakar, F.counter(1)), [])
            #expect(call.status == .seeOther && call.headers[.location]?.hasPrefix(CorePaths.signIn) == true)
        }
    }
}
