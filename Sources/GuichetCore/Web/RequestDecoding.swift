// SPDX-License-Identifier: MPL-2.0
import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// The one way a route reads a JSON body: as `T`, within `limit` bytes (413 beyond), through `JSONInput` (NUL
    /// refused, errors naming the field in the person's language).
    package func decodeJSON<T: Decodable>(_ type: T.Type, upTo limit: Int = 1 << 20) async throws -> T {
        var request = self
        return try JSONInput.decode(T.self, from: try await request.collectBody(upTo: limit))
    }
}
