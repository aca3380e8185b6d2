import Foundation
import Hummingbird
import NIOCore

/// How every route reads a typed body: `try await request.decode(as: T.self, context: context)` (Hummingbird's
/// `RequestDecoder` on the request context). JSON goes through `JSONInput` (NUL refused, errors naming the field);
/// URL-encoded forms through Hummingbird's form decoder. Bodies are read within `maxBodySize`: a larger one is a 413.
package struct GuichetRequestDecoder: RequestDecoder {
    /// The largest JSON or form body a route reads without saying otherwise.
    package static let maxBodySize = 1 << 20

    package init() {}

    package func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        var request = request
        let body = try await request.collectBody(upTo: Self.maxBodySize)
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if contentType.hasPrefix("application/x-www-form-urlencoded") {
            guard !NULCharacter.inJSON(body.readableBytesView) else { throw NULCharacter.refused }
            do {
                return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: body))
            } catch {
                throw AppError.decoding(error)
            }
        }
        return try JSONInput.decode(T.self, from: body)
    }
}

extension Request {
    /// The JSON body as `T`, read within `limit` bytes (413 beyond), with the API's decoding errors.
    package func decodeJSON<T: Decodable>(_ type: T.Type, upTo limit: Int = GuichetRequestDecoder.maxBodySize) async throws -> T {
        var request = self
        return try JSONInput.decode(T.self, from: try await request.collectBody(upTo: limit))
    }
}
