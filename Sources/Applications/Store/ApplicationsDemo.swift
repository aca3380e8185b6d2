// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import Foundation
import GuichetCore
import Yams

/// The demo's forms (`Resources/Demo/forms.yaml`) and a few applications in each status, made of fictitious people
/// marked "(démo)", filed and processed through the same service as real ones.
package enum ApplicationsDemo {
    struct Entry: Decodable {
        let procedure: String
        let form: FormDefinition
    }

    package static func forms() throws -> [(procedure: String, form: FormDefinition)] {
        try YAMLDecoder().decode([Entry].self, from: String(contentsOf: ApplicationsResources.demoForms, encoding: .utf8)).map {
            ($0.procedure, $0.form)
        }
    }

    /// Stores the demo forms whose procedure is in the catalogue, then, on an empty applications table, the demo applications.
    package static func seed(service: ApplicationsModule) async throws {
        try await seedForms(service: service)
        try await seedApplications(service: service)
    }

    /// The demo forms, for the procedures the catalogue holds (a form already stored unchanged is not stored again).
    package static func seedForms(service: ApplicationsModule) async throws {
        let repository = service.catalog
        for (procedureId, definition) in try forms() {
            guard let procedure = try await repository.procedures(ids: [procedureId]).first else { continue }
            try await service.forms.save(procedure: procedure, definition: definition, origin: ActionOrigin(actor: "demo:seed"))
        }
    }

    static func seedApplications(service: ApplicationsModule) async throws {
        let origin = ActionOrigin(actor: "demo:seed")
        let repository = service.catalog
        let existing = try await service.store.inbox(ApplicationStore.InboxFilter(), limit: 1, offset: 0)
        guard existing.total == 0 else { return }
        let agent = Principal(kind: .token, id: "demo:seed", displayName: "Démo", role: .administrator)
        let pdf = Array("%PDF-1.4\n% Guichet demo document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
        let people: [(String, String, String, String)] = [
            ("DIOP (démo)", "Awa", "2019-03-27", "Dakar-Plateau"), ("NDIAYE (démo)", "Mamadou", "1990-11-02", "Thiès"),
            ("FALL (démo)", "Aïssatou", "1985-06-14", "Saint-Louis"), ("SECK (démo)", "Ibrahima", "2001-01-30", "Ziguinchor"),
            ("BA (démo)", "Khady", "1978-09-09", "Kaolack"),
        ]
        guard let procedure = try await repository.procedures(ids: ["sn-extrait-acte-naissance"]).first,
            let form = try await service.forms.current(procedure: procedure.id)
        else { return }
        for (index, person) in people.enumerated() {
            let answers = [
                "requester": "self", "requester_name": "\(person.1) \(person.0)", "last_name": person.0, "first_names": person.1,
                "birth_date": person.2,
                "birth_place": person.3, "registry_centre": "Centre principal de \(person.3)", "registry_year": String(person.2.prefix(4)),
                "mother_name": "Mère de \(person.1) (démo)", "phone": "+22177000000\(index)", "copies": "1",
            ]
            let (record, _) = try await service.submissions.create(
                .init(
                    procedure: procedure, form: form, answers: answers, submit: false, scope: "demo", idempotencyKey: "demo-\(index)",
                    requestHash: "demo-\(index)",
                    filing: .init(
                        channel: index == 3 ? .assisted : .online, filedBy: index == 3 ? "demo:seed" : nil,
                        centreId: index == 3 ? "sn-ess-dakar" : nil)),
                origin: origin)
            guard let field = form.definition.field("record_proof") else { continue }
            try await service.drafts.attach(record, field: field, filename: "volet-1.pdf", bytes: pdf, origin: origin)
            guard
                case .submitted(let current) = try await service.submissions.submit(
                    applicationId: record.id, expectedRevision: record.revision + 1, origin: origin)
            else {
                continue
            }
            switch index {
            case 1:
                _ = try await service.casework.act(
                    current, .init(action: .claim, expectedRevision: current.revision), principal: agent, origin: origin)
            case 2:
                _ = try await service.casework.act(
                    current,
                    .init(
                        action: .requestChanges, expectedRevision: current.revision,
                        note: "La pièce jointe est illisible : envoyez une photo nette du volet n° 1.", fields: ["record_proof"]), principal: agent,
                    origin: origin)
            case 3:
                _ = try await service.casework.act(
                    current, .init(action: .approve, expectedRevision: current.revision), principal: agent, origin: origin)
            case 4:
                _ = try await service.casework.act(
                    current, .init(action: .reject, expectedRevision: current.revision, note: "Aucun acte ne correspond dans le registre indiqué."),
                    principal: agent, origin: origin)
            default: break
            }
        }
    }
}
