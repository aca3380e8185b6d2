// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetTesting
import HummingbirdTesting
import Testing

@testable import Ecosystem

@Suite struct ActorTests {
    static func demo() throws -> ActorsDocument {
        try JSONDecoder().decode(ActorsDocument.self, from: Data(contentsOf: EcosystemModule.demoActors))
    }

    @Test func documentIsCheckedBeforeAnythingIsWritten() async throws {
        var document = try Self.demo()
        #expect(document.actors.count >= 12)
        #expect(document.actors.allSatisfy { !$0.sources.isEmpty }, "every demo actor cites where it is named")
        document.actors[0].relations.append(.init(kind: .funds, target: "nobody"))
        let broken = document
        try await TestApp.withComponents { components in
            let repository = ActorRepository(db: components.database.db)
            await #expect(throws: ActorsDocument.Problem.unknownTarget(actor: broken.actors[0].id, target: "nobody")) {
                try await repository.importDocument(broken, actor: "test")
            }
            #expect(try await repository.count() == 0)
            var duplicated = try Self.demo()
            duplicated.actors.append(duplicated.actors[0])
            let duplicate = duplicated
            await #expect(throws: ActorsDocument.Problem.duplicate(duplicate.actors[0].id)) {
                try await repository.importDocument(duplicate, actor: "test")
            }
            var wrongFormat = try Self.demo()
            wrongFormat.format = "other/1"
            let wrong = wrongFormat
            await #expect(throws: ActorsDocument.Problem.wrongFormat("other/1")) { try await repository.importDocument(wrong, actor: "test") }

            let first = try await repository.importDocument(try Self.demo(), actor: "test")
            #expect(first.allSatisfy { $0 == .created })
            let second = try await repository.importDocument(try Self.demo(), actor: "test")
            #expect(second.allSatisfy { $0 == .unchanged })
            let links = try await repository.relations()
            #expect(links.contains(.init(source: "sn-pnud", target: "sn-adie", kind: .funds)))
            let events = try await AuditLog.records(on: components.database.db).filter { $0.entry.entity == "actor" }
            #expect(events.count == first.count)
        }
    }

    @Test func directoryMapAndAPI() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            _ = try await ActorRepository(db: components.database.db).importDocument(try Self.demo(), actor: "test")
            try await client.execute(uri: EcosystemRoute.actors.path(), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("<h1>Acteurs de l’écosystème numérique</h1>"))
                #expect(html.contains("<h2>Administrations et agences publiques ("))
                #expect(html.contains("Agence Nationale d’Identification"))
                #expect(html.contains("Togo"))
                #expect(html.utf8.count < 20_480)
            }
            try await client.execute(uri: EcosystemRoute.actors.path() + "?country=SN&lang=en", method: .get) { response in
                #expect(response.text.contains("Agence de l’Informatique de l’État"))
                #expect(!response.text.contains("Agence Nationale d’Identification"))
                #expect(response.text.contains("UN agencies (1)"))
            }
            try await client.execute(uri: EcosystemRoute.actors.path() + "?country=Sénégal", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: EcosystemRoute.actor.path("sn-adie"), method: .get) { response in
                let html = response.text
                #expect(html.contains("<h1>Agence de l’Informatique de l’État (ADIE)</h1>"))
                #expect(html.contains("fournit <a href=\"/ecosystem/actors/sn-ess\">Espaces Sénégal Services</a>"))
                #expect(html.contains("financé par <a href=\"/ecosystem/actors/sn-pnud\">PNUD Sénégal</a>"))
                #expect(html.contains("Sénégal"))
            }
            let actorCount = try Self.demo().actors.count
            try await client.execute(uri: EcosystemRoute.actorsMap.path(), method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                #expect(html.contains("role=\"group\" aria-labelledby=\"map-title map-desc\""))
                #expect(html.contains("<title id=\"map-title\">Les acteurs regroupés par type</title>"))
                #expect(html.components(separatedBy: "<rect ").count - 1 == actorCount)
                #expect(html.contains("stroke=\"#005a3c\" stroke-width=\"2\" stroke-dasharray=\"6 3\""))
                #expect(html.contains("<td>PNUD</td><td>finance</td><td>ADIE</td>"))
                #expect(html.utf8.count < 20_480)
            }
            try await client.execute(uri: EcosystemRoute.apiActors.path() + "?kind=un_agency", method: .get) { response in
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
                let items = try #require(json["items"] as? [[String: Any]])
                #expect(items.count == 3)
                #expect(items.allSatisfy { $0["kind"] as? String == "un_agency" })
            }
            try await client.execute(uri: EcosystemRoute.apiActors.path() + "?kind=spy", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("\"field\":\"kind\""))
            }
            try await client.execute(uri: EcosystemRoute.actor.path("nobody"), method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
