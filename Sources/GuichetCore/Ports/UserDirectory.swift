// SPDX-License-Identifier: MPL-2.0
/// What Accounts tells other features about back-office users (Applications assigns work to agents). Implemented by
/// Accounts, wired by the composition root; no other feature reads the users' tables.
package protocol UserDirectory: Sendable {
    /// Display names of the given users; unknown ids are absent.
    func names(of ids: Set<String>) async throws -> [String: String]
    /// Enabled back-office agents whose scope includes the institution, by name.
    func agents(of institution: String) async throws -> [DirectoryUser]
    /// Whether the user may be given work of the institution: an enabled administrator, or an enabled back-office
    /// agent scoped to it.
    func mayWork(user: String, institution: String) async throws -> Bool
}

package struct DirectoryUser: Sendable, Equatable {
    package let id: String
    package let name: String

    package init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
