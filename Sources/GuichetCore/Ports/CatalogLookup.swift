// SPDX-License-Identifier: MPL-2.0
/// What the catalogue tells features that do not depend on it (Accounts checks scopes, Centres checks the services
/// its directory names). Implemented by Catalog, wired by the composition root; no other feature reads its tables.
package protocol CatalogLookup: Sendable {
    /// The ids among `ids` that name an institution of the catalogue.
    func existingInstitutions(_ ids: Set<String>) async throws -> Set<String>
    /// The ids among `ids` that name a published procedure of the catalogue.
    func existingProcedures(_ ids: Set<String>) async throws -> Set<String>
}
