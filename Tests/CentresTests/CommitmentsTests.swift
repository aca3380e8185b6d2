// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Centres

@Suite struct CommitmentsTests {
    typealias F = CentresFixtures

    static func form(
        waitTarget: String = "90", minutes: String = "15", satisfactionTarget: String = "75", satisfaction: Bool = true,
        waitLabelEn: String = "Quick welcome"
    ) -> [(String, String)] {
        var fields = [
            ("wait_published", "1"), ("wait_target", waitTarget), ("wait_minutes", minutes), ("wait_label_fr", "Accueil rapide"),
            ("wait_label_en", waitLabelEn), ("satisfaction_target", satisfactionTarget), ("satisfaction_label_fr", "Usagers satisfaits"),
            ("satisfaction_label_en", "Satisfied users"),
        ]
        if satisfaction { fields.append(("satisfaction_published", "1")) }
        return fields
    }

    static func events(_ components: AppComponents) async throws -> [AuditRecord] {
        try await AuditLog.records(on: components.database.db).filter { $0.entry.action == "commitments.set" }
    }

    @Test func aManagerSetsTheCommitmentsAndThePublicPageShowsThem() async throws {
        try await F.withClient { client, components in
            let user = try await TestApp.createUser(components, role: .centreManager, centres: [F.dakar])
            let manager = TestSession(client: client)
            #expect(try await manager.signIn(email: user.email, password: user.password).status == .seeOther)
            let home = try await manager.get("/admin")
            #expect(home.text.contains("href=\"\(CentresRoute.commitments.path())\""), "the back-office menu leads to the form")
            let page = try await manager.get(CentresRoute.commitments.path())
            #expect(page.status == .ok)
            #expect(page.text.contains("name=\"wait_target\" type=\"number\" min=\"0\" max=\"100\" value=\"80\""))
            #expect(page.text.contains("name=\"wait_minutes\" type=\"number\" min=\"1\" value=\"20\""))
            let importedEvents = try await Self.events(components).count

            let saved = try await manager.post(CentresRoute.commitments.path(), form: Self.form())
            #expect(saved.status == .seeOther && saved.headers[.location] == CentresRoute.commitments.path() + "?saved=1")
            #expect(try await manager.get(CentresRoute.commitments.path() + "?saved=1").text.contains("Engagements enregistrés"))
            let stored = try await DirectoryRepository(database: components.database).commitments()
            #expect(
                stored == [
                    Commitment(kind: .wait, minutes: 15, target: 90, label: LocalText(fr: "Accueil rapide", en: "Quick welcome")),
                    Commitment(kind: .satisfaction, minutes: nil, target: 75, label: LocalText(fr: "Usagers satisfaits", en: "Satisfied users")),
                ])
            let events = try await Self.events(components)
            #expect(events.count == importedEvents + 1)
            #expect(events.last?.entry.actor == "user:\(user.id)")
            #expect(events.last?.entry.summary == "wait 90% within 15 min; satisfaction 75%")

            let french = try await client.execute(uri: CentresRoute.results.path(), method: .get) { $0.text }
            #expect(french.contains("<li><strong>Accueil rapide</strong> — 90 % des usagers appelés au guichet en 15 minutes au plus.</li>"))
            #expect(french.contains("Au moins 75 % d&#39;usagers satisfaits ou très satisfaits."))
            #expect(french.contains("15 min</th>"), "the table's column follows the new threshold")
            let english = try await client.execute(uri: CentresRoute.results.path() + "?lang=en", method: .get) { $0.text }
            #expect(english.contains("<li><strong>Quick welcome</strong> — 90% of visitors called to a counter within 15 minutes.</li>"))

            // The same values again: nothing is written, no event.
            let again = try await manager.post(CentresRoute.commitments.path(), form: Self.form())
            #expect(again.headers[.location] == CentresRoute.commitments.path() + "?saved=0")
            #expect(try await Self.events(components).count == importedEvents + 1)

            // A commitment no longer published leaves the public page.
            #expect(try await manager.post(CentresRoute.commitments.path(), form: Self.form(satisfaction: false)).status == .seeOther)
            #expect(try await DirectoryRepository(database: components.database).commitments().map(\.kind) == [.wait])
            let after = try await client.execute(uri: CentresRoute.results.path(), method: .get) { $0.text }
            #expect(!after.contains("Usagers satisfaits") && !after.contains("d&#39;usagers satisfaits ou très satisfaits."))
        }
    }

    @Test func wrongFieldsAreNamedAndNothingIsWritten() async throws {
        try await F.withClient { client, components in
            let manager = try await TestApp.signedIn(client, components, role: .centreManager, centres: [F.brazzaville])
            try await manager.get(CentresRoute.commitments.path())
            let before = try await DirectoryRepository(database: components.database).commitments()
            let eventsBefore = try await Self.events(components).count
            let refused = try await manager.post(CentresRoute.commitments.path(), form: Self.form(waitTarget: "101", minutes: "0", waitLabelEn: "  "))
            #expect(refused.status == .unprocessableContent)
            let html = refused.text
            #expect(html.contains("<a href=\"#wait-target\">L&#39;objectif doit être un nombre entier de 0 à 100.</a>"))
            #expect(
                html.contains("<span class=\"error\" id=\"wait-minutes-error\">Le délai doit être un nombre entier de minutes, de 1 à 1440.</span>"))
            #expect(html.contains("<a href=\"#wait-label-en\">Écrivez l&#39;intitulé en anglais.</a>"))
            #expect(html.contains("value=\"101\""), "what was typed stays in the form")
            #expect(!html.contains("#satisfaction-"), "the right fields are not flagged")
            #expect(try await DirectoryRepository(database: components.database).commitments() == before)
            #expect(try await Self.events(components).count == eventsBefore)

            let english = try await manager.post(CentresRoute.commitments.path() + "?lang=en", form: Self.form(satisfactionTarget: "-1"))
            #expect(english.status == .unprocessableContent)
            #expect(english.text.contains("The target must be a whole number from 0 to 100."))
            #expect(try await DirectoryRepository(database: components.database).commitments() == before)
        }
    }

    @Test func onlyManagersOfACentreAndAdministratorsMayEdit() async throws {
        try await F.withClient { client, components in
            let before = try await DirectoryRepository(database: components.database).commitments()
            for (role, centres) in [(Role.centreAgent, [F.dakar]), (.analyst, []), (.centreManager, [])] {
                let other = try await TestApp.signedIn(client, components, role: role, centres: centres)
                #expect(try await other.get(CentresRoute.commitments.path()).status == .forbidden, "\(role) \(centres)")
                #expect(try await other.post(CentresRoute.commitments.path(), form: Self.form()).status == .forbidden, "\(role) \(centres)")
            }
            let visitor = TestSession(client: client)
            let signedOut = try await visitor.get(CentresRoute.commitments.path())
            #expect(signedOut.status == .seeOther && signedOut.headers[.location]?.hasPrefix("/admin/sign-in") == true)
            let manager = try await TestApp.signedIn(client, components, role: .centreManager, centres: [F.dakar])
            #expect(try await manager.post(CentresRoute.commitments.path(), form: Self.form(), withToken: false).status == .forbidden)
            #expect(try await DirectoryRepository(database: components.database).commitments() == before)
            let admin = try await TestApp.signedIn(client, components, role: .administrator)
            #expect(try await admin.get(CentresRoute.commitments.path()).status == .ok)
        }
    }

    @Test func validationBounds() {
        typealias Draft = CommitmentDraft
        func errors(_ drafts: [Draft]) -> [String: String] { CommitmentDraft.validate(drafts).errors }
        let wait = { (target: String, minutes: String) in
            Draft(kind: .wait, published: true, target: target, minutes: minutes, labelFr: "Attente", labelEn: "Wait")
        }
        #expect(errors([wait("0", "1"), wait("100", "1440")]).isEmpty)
        #expect(errors([wait("101", "20")]) == ["wait_target": "target_range"])
        #expect(errors([wait("80", "1441")]) == ["wait_minutes": "minutes_range"])
        #expect(errors([wait("8.5", "")]) == ["wait_target": "target_range", "wait_minutes": "minutes_range"])
        let long = Draft(kind: .satisfaction, published: true, target: "80", labelFr: String(repeating: "é", count: 161), labelEn: "")
        #expect(errors([long]) == ["satisfaction_label_fr": "label_too_long", "satisfaction_label_en": "label_en_required"])
        // A commitment not published is not checked, and not kept.
        let off = Draft(kind: .satisfaction, published: false, target: "nonsense", labelFr: "", labelEn: "")
        let result = CommitmentDraft.validate([wait(" 80 ", "20"), off])
        #expect(result.errors.isEmpty && result.commitments.map(\.kind) == [.wait] && result.commitments.first?.target == 80)
    }
}
