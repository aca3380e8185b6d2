// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The kiosk's, tablet's and board's own small stylesheet, served from memory under a path that changes with its
/// content (FNV-1a of the bytes: the same in every process), so screens keep it for a year.
struct ScreenStylesheet: Sendable {
    let body: ByteBuffer
    let etag: String
    let versionedPath: String

    init(file: URL) throws {
        let data = try Data(contentsOf: file)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let digest = String(hash, radix: 16)
        body = ByteBuffer(bytes: data)
        etag = "\"\(digest)\""
        versionedPath = "\(CentresRoute.stylesheet.pattern)?v=\(digest)"
    }

    func response(_ request: Request) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/css; charset=utf-8"
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        headers[.eTag] = etag
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
