// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore

/// One demo account per role, created on an empty users table with random passwords that are printed once.
package enum DemoUsers {
    package struct Credential: Sendable {
        package var role: Role
        package var email: String
        package var password: String
    }

    /// The accounts the README lists (demo only: never on a real deployment).
    package static let accounts: [(role: Role, email: String, name: String, institutions: [String], centres: [String])] = [
        (.administrator, "admin@guichet.example", "Awa Diop (démo)", [], []),
        (.catalogEditor, "redaction@guichet.example", "Moussa Ndiaye (démo)", ["sn-centre-etat-civil", "sn-mairie"], []),
        (
            .backOfficeAgent, "instruction@guichet.example", "Fatou Sarr (démo)",
            ["sn-centre-etat-civil", "sn-daf", "sn-tribunal-grande-instance", "tg-centres-etat-civil", "cg-centres-etat-civil"], []
        ),
        (.centreAgent, "guichet@guichet.example", "Kossi Mensah (démo)", [], DemoUsers.demoCentres),
        (.centreManager, "responsable@guichet.example", "Aminata Fall (démo)", [], DemoUsers.demoCentres),
        (.analyst, "analyse@guichet.example", "Koffi Agbeko (démo)", [], []),
        (
            .finance, "finances@guichet.example", "Mariama Ba (démo)",
            ["sn-centre-etat-civil", "sn-daf", "sn-tribunal-grande-instance", "tg-centres-etat-civil", "cg-centres-etat-civil"], []
        ),
    ]

    /// Centres the demo centre roles act for (the service-centre demo data names them).
    package static let demoCentres: [String] = ["sn-ess-dakar", "sn-ess-ziguinchor", "cg-acpce-brazzaville"]

    package static func createIfNone(accounts service: AccountService) async throws -> [Credential] {
        guard try await service.userAccounts.isEmpty() else { return [] }
        var credentials: [Credential] = []
        for account in accounts {
            let password = Secrets.generatePassword()
            try await service.createUser(
                .init(
                    email: account.email, name: account.name, role: account.role, institutions: account.institutions, centres: account.centres,
                    password: password),
                origin: ActionOrigin(actor: "system:demo"))
            credentials.append(Credential(role: account.role, email: account.email, password: password))
        }
        return credentials
    }
}
