// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

extension DirectoryRepository {
    /// The services whose procedures include `procedure`, in the directory's order of their centres.
    package func services(offering procedure: String) async throws -> [CentreService] {
        let pattern = "%" + procedure.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        return try await sql.select().columns("id", "centre_id", "letter", "name_fr", "name_en", "institution_id", "procedure_ids")
            .from("centre_services").where("procedure_ids", .like, pattern).orderBy("centre_id").orderBy("position")
            .all(decoding: ServiceRow.self, keyDecodingStrategy: .snakeCaseColumns).map(Self.service)
            .filter { $0.procedures.contains(procedure) }
    }
}
