// SPDX-License-Identifier: MPL-2.0
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
/// per change of the catalogue instead of once per request. Keyed only by the query parameters the cached routes
/// read (`?z=1`, `?z=2`… are one entry, and the handler never sees `z`); bounded in entries and in bytes, emptied
/// when full.
package final class ResponseCache: @unchecked Sendable {
    struct Entry {
        let generation: Int
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer
        var gzipped: ByteBuffer?
        /// A page with live figures is kept until then (its `X-Guichet-Fresh-Until` header), however current its generation.
        var expires: Date? = nil
    }

    package let generation: ContentGeneration
    private let lock = NIOLock()
    private var entries: [String: Entry] = [:]
    private var bytes = 0
    private let capacity: Int
    private let maxBytes: Int
    private let enabled: Bool

    /// The query parameters cached routes read; any other is dropped before the handler runs.
    package static let parameters: Set<String> = ["q", "country", "category", "institution", "page", "per_page", "lang", "region", "places"]
    /// A query longer than this is not a page anybody links to: it is answered without being kept.
    static let maxKeyLength = 512

    package init(generation: ContentGeneration, capacity: Int = 4000, maxBytes: Int = 64 << 20, enabled: Bool = true) {
        self.generation = generation
        self.capacity = capacity
        self.maxBytes = maxBytes
        self.enabled = enabled
    }

    package var count: Int { lock.withLock { entries.count } }
    /// Bytes held (bodies and their gzipped copies).
    package var size: Int { lock.withLock { bytes } }

    /// The request as the handler sees it: the path and, in a fixed order, only the parameters of `parameters`.
    package static func canonical(_ request: Request) -> Request {
        // No query at all (most pages): already canonical.
        guard let raw = request.uri.query else { return request }
        let known = FormQuery(raw).items.filter { parameters.contains($0.name) }
        var seen = Set<String>()
        let kept = known.filter { seen.insert($0.name).inserted }.sorted { $0.name < $1.name }
        let query = kept.map { "\(FormQuery.encode($0.name))=\(FormQuery.encode($0.value))" }.joined(separator: "&")
        let target = request.uri.path + (query.isEmpty ? "" : "?" + query)
        guard target != request.head.path else { return request }
        var head = request.head
        head.path = target
        return Request(head: head, body: request.body)
    }

    /// The key of a canonical request.
    package static func key(_ request: Request, language: String, languageInQuery: Bool, country: String? = nil) -> String {
        "\(language)|\(languageInQuery)|\(country ?? "-")|\(request.uri.path)?\(request.uri.query ?? "")"
    }

    /// The cached response for the request, or the one `make` builds from its canonical form (kept when it is a 200).
    /// `now`: the application's clock, against which the expiry of pages with live figures is read.
    package func response(
        request original: Request, language: String, languageInQuery: Bool, country: String? = nil, now: Date = Date(),
        make: (Request) async throws -> Response
    ) async throws -> Response {
        let request = Self.canonical(original)
        guard enabled else { return Self.withoutFreshness(try await make(request)) }
        let key = Self.key(request, language: language, languageInQuery: languageInQuery, country: country)
        guard key.utf8.count <= Self.maxKeyLength else { return Self.withoutFreshness(try await make(request)) }
        return try await response(key: key, request: request, now: now) { try await make(request) }
    }

    static func withoutFreshness(_ response: Response) -> Response {
        guard response.headers[.xGuichetFreshUntil] != nil else { return response }
        var response = response
        response.headers[.xGuichetFreshUntil] = nil
        return response
    }

    func response(key: String, request: Request, now: Date = Date(), make: () async throws -> Response) async throws -> Response {
        let current = generation.current
        let acceptsGzip = request.headers[.acceptEncoding]?.contains("gzip") == true
        if let hit = lock.withLock({ entries[key] }), hit.generation == current, hit.expires.map({ now < $0 }) ?? true {
            return respond(hit, key: key, acceptsGzip: acceptsGzip)
        }
        let response = try await make()
        guard response.status == .ok, response.headers[.contentEncoding] == nil else { return Self.withoutFreshness(response) }
        let collector = BodyCollector()
        try await response.body.write(collector.writer)
        var headers = response.headers
        headers[.contentLength] = nil
        let expires = headers[.xGuichetFreshUntil].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
        headers[.xGuichetFreshUntil] = nil
        // What every answer from the cache says, set once here rather than on each hit.
        headers[.cacheControl] = "no-cache"
        headers[.vary] = "Accept-Encoding, Accept-Language, Cookie"
        var entry = Entry(generation: current, status: response.status, headers: headers, body: collector.buffer ?? ByteBuffer())
        entry.expires = expires
        lock.withLock {
            let size = entry.body.readableBytes
            if entries.count >= capacity || bytes + size > maxBytes {
                entries.removeAll(keepingCapacity: true)
                bytes = 0
            }
            if let old = entries[key] { bytes -= old.body.readableBytes + (old.gzipped?.readableBytes ?? 0) }
            entries[key] = entry
            bytes += size
        }
        return respond(entry, key: key, acceptsGzip: acceptsGzip)
    }

    /// The entry's headers and body as kept: the body's storage is shared by every answer, never copied.
    private func respond(_ entry: Entry, key: String, acceptsGzip: Bool) -> Response {
        if acceptsGzip, entry.body.readableBytes >= GzipMiddleware<AppRequestContext>.defaultMinimumBytes, let gzipped = gzipped(entry, key: key) {
            var headers = entry.headers
            headers[.contentEncoding] = "gzip"
            return Response(status: entry.status, headers: headers, body: .init(byteBuffer: gzipped))
        }
        return Response(status: entry.status, headers: entry.headers, body: .init(byteBuffer: entry.body))
    }

    /// The entry's body compressed, done once per entry.
    private func gzipped(_ entry: Entry, key: String) -> ByteBuffer? {
        if let gzipped = entry.gzipped { return gzipped }
        var source = entry.body
        guard let gzipped = try? source.compress(with: .gzip()) else { return nil }
        lock.withLock {
            if entries[key]?.generation == entry.generation, entries[key]?.expires == entry.expires, entries[key]?.gzipped == nil {
                entries[key]?.gzipped = gzipped
                bytes += gzipped.readableBytes
            }
        }
        return gzipped
    }
}
