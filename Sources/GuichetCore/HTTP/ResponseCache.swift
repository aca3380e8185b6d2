import CompressNIO
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// A number that changes whenever published content changes. Several server processes learn of a change
/// made elsewhere by polling the database (see the feature that owns the content); in one process the
/// writer bumps it at once.
package final class ContentGeneration: Sendable {
    private let value = NIOLockedValueBox<Int>(0)

    package init() {}

    package var current: Int { value.withLockedValue { $0 } }

    package func update(to newValue: Int) {
        value.withLockedValue { $0 = newValue }
    }
}

/// Rendered public GET responses, kept while their content generation is current: a page is rendered once
/// per change of the catalogue instead of once per request. Bounded; emptied when full.
package final class ResponseCache: @unchecked Sendable {
    struct Entry {
        let generation: Int
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer
        var gzipped: ByteBuffer?
    }

    package let generation: ContentGeneration
    private let lock = NIOLock()
    private var entries: [String: Entry] = [:]
    private let capacity: Int
    private let enabled: Bool

    package init(generation: ContentGeneration, capacity: Int = 4000, enabled: Bool = true) {
        self.generation = generation
        self.capacity = capacity
        self.enabled = enabled
    }

    package var count: Int { lock.withLock { entries.count } }

    /// The cached response for `key`, or the one `make` builds (kept when it is a 200).
    package static func key(_ request: Request, language: String, languageInQuery: Bool) -> String {
        "\(language)|\(languageInQuery)|\(request.uri.path)?\(request.uri.query ?? "")"
    }

    package func response(key: String, request: Request, make: () async throws -> Response) async throws -> Response {
        guard enabled else { return try await make() }
        let current = generation.current
        let acceptsGzip = request.headers[.acceptEncoding]?.contains("gzip") == true
        if let hit = lock.withLock({ entries[key] }), hit.generation == current {
            return respond(hit, key: key, acceptsGzip: acceptsGzip)
        }
        let response = try await make()
        guard response.status == .ok, response.headers[.contentEncoding] == nil else { return response }
        let collector = BodyCollector()
        try await response.body.write(collector.writer)
        var headers = response.headers
        headers[.contentLength] = nil
        let entry = Entry(generation: current, status: response.status, headers: headers, body: collector.buffer ?? ByteBuffer())
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
        return respond(entry, key: key, acceptsGzip: acceptsGzip)
    }

    private func respond(_ entry: Entry, key: String, acceptsGzip: Bool) -> Response {
        var headers = entry.headers
        headers[.cacheControl] = "no-cache"
        headers[.vary] = "Accept-Encoding, Accept-Language, Cookie"
        if acceptsGzip, entry.body.readableBytes >= GzipMiddleware<AppRequestContext>.defaultMinimumBytes, let gzipped = gzipped(entry, key: key) {
            headers[.contentEncoding] = "gzip"
            return Response(status: entry.status, headers: headers, body: .init(byteBuffer: gzipped))
        }
        return Response(status: entry.status, headers: headers, body: .init(byteBuffer: entry.body))
    }

    /// The entry's body compressed, done once per entry.
    private func gzipped(_ entry: Entry, key: String) -> ByteBuffer? {
        if let gzipped = entry.gzipped { return gzipped }
        var source = entry.body
        guard let gzipped = try? source.compress(with: .gzip()) else { return nil }
        lock.withLock {
            if entries[key]?.generation == entry.generation { entries[key]?.gzipped = gzipped }
        }
        return gzipped
    }
}
