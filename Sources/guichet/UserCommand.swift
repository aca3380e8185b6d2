// SPDX-License-Identifier: MPL-2.0
import Accounts
import ArgumentParser
import Audit
import Catalog
import Foundation
import GuichetApp
import GuichetCore

/// The demo accounts' passwords go to the terminal once, never into the log.
func printDemoCredentials(_ credentials: [DemoUsers.Credential]) {
    guard !credentials.isEmpty else { return }
    print("Demo accounts (demo only; passwords shown this once) — sign in at /admin/sign-in:")
    for credential in credentials {
        print(
            "  \(credential.role.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(credential.email.padding(toLength: 30, withPad: " ", startingAt: 0)) \(credential.password)"
        )
    }
    // Written at once, even when stdout is a file (CI reads it while the server runs).
    fflush(nil)
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Back-office accounts.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account (e.g. the first administrator). The password is read from GUICHET_PASSWORD or generated and printed once.")
        @Option(help: "E-mail address, used to sign in.") var email: String
        @Option(help: "Full name.") var name: String
        @Option(help: "administrator, catalog_editor, back_office_agent, centre_agent, centre_manager or analyst.") var role: String
        @Option(help: "An institution the user acts for (repeatable).") var institution: [String] = []
        @Option(help: "A service centre the user acts for (repeatable).") var centre: [String] = []
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("unknown role \(role): one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let given = ProcessInfo.processInfo.environment["GUICHET_PASSWORD"]
            let password = given ?? AccountService.generatePassword()
            let user = try await withDatabase(database) { database in
                do {
                    return try await AccountService(database: database.db, catalog: CatalogLookupService(database: database.db)).createUser(
                        .init(
                            email: email, name: name, role: role, institutions: institution, centres: centre, password: password,
                            mustChangePassword: given == nil),
                        origin: ActionOrigin(actor: "cli:\(NSUserName())"))
                } catch let error as AppError {
                    throw ValidationError("\(error.field ?? "input"): \(error.code)")
                }
            }
            print("created \(user.role.rawValue) \(user.email) (id \(user.id))")
            if given == nil { print("temporary password (shown once, to be changed at first sign-in): \(password)") }
        }
    }
}
