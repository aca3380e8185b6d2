// SPDX-License-Identifier: MPL-2.0
import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers

/// A request's path made canonical once, before routing and before any middleware decides on a prefix: `//admin`,
/// `/admin/./x` and `/api/../admin` are what the router would serve, so they are what the middleware must see.
package enum PathNormalizer {
    /// The canonical form of a path, or nil when it must be refused: encoded slashes, backslashes or dots
    /// (`%2F`, `%5C`, `%2E`), control characters, a `..` above the root, or no leading `/`.
    package static func normalize(_ path: Substring) -> String? {
        guard path.first == "/", path.utf8.count <= 4096 else { return nil }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") }) { return nil }
            if segment.utf8.contains(UInt8(ascii: "%")) {
                let lower = segment.lowercased()
                if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || lower.contains("%00") { return nil }
            }
            switch segment {
            case ".": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default: segments.append(segment)
            }
        }
        let trailingSlash = path.count > 1 && path.hasSuffix("/") && !segments.isEmpty
        return "/" + segments.joined(separator: "/") + (trailingSlash ? "/" : "")
    }

    /// Whether a path needs any work: the common case (`/procedures/sn-cni`) costs one scan.
    static func isPlain(_ path: Substring) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/") { return false }
            if byte == UInt8(ascii: ".") && previous == UInt8(ascii: "/") { return false }
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte == 0x7F { return false }
            previous = byte
        }
        return path.first == "/"
    }

    /// A same-origin path to send someone back to: it must start with one `/`, survive normalisation unchanged and
    /// carry no query (what follows `?` may be personal).
    package static func isSafeLocalPath(_ path: String) -> Bool {
        guard path.hasPrefix("/"), !path.contains("?"), !path.contains("#"), let normalized = normalize(Substring(path)) else { return false }
        return normalized == path
    }
}

/// The first thing every request meets: its path normalised (refused with a 400 when it cannot be), then the router.
/// Works below every middleware, so none of them ever sees a path the router would read differently.
package struct CanonicalPathResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == AppRequestContext {
    let inner: Inner
    let localizer: Localizer

    package init(inner: Inner, localizer: Localizer) {
        self.inner = inner
        self.localizer = localizer
    }

    package func respond(to request: Request, context: AppRequestContext) async throws -> Response {
        let raw = request.head.path ?? "/"
        let pathEnd = raw.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) ?? raw.endIndex
        let path = raw[..<pathEnd]
        // A NUL in the query would reach the database from any handler that reads it (PostgreSQL refuses it: a 500).
        if NULCharacter.inEncoded(raw[pathEnd...]) { return refusal(request, path: path, code: "bad_character") }
        if PathNormalizer.isPlain(path) { return try await inner.respond(to: request, context: context) }
        guard let normalized = PathNormalizer.normalize(path) else { return refusal(request, path: path, code: "bad_path") }
        var head = request.head
        head.path = normalized + raw[pathEnd...]
        return try await inner.respond(to: Request(head: head, body: request.body), context: context)
    }

    func refusal(_ request: Request, path: Substring, code: String) -> Response {
        let language = Language.negotiate(query: nil, cookie: request.cookies["lang"]?.value, acceptLanguage: request.headers[.acceptLanguage])
        let message = localizer.text("errors.\(code)", language)
        if path.hasPrefix(CorePaths.apiPrefix) {
            return JSONError(code: code, message: message, field: nil).response(status: .badRequest)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.contentLanguage] = language.rawValue
        return Response(status: .badRequest, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}

/// The methods each registered path answers, for `405 Method Not Allowed` with its `Allow` header.
package final class RouteTable: Sendable {
    struct Entry: Sendable {
        let components: [Substring]
        let method: HTTPRequest.Method
    }

    private let entries: NIOLockedValueBox<[Entry]> = .init([])

    package init() {}

    /// Filled once, after every route is registered.
    package func record(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        let list = routes.filter { $0.path != "/**" }.map { Entry(components: Self.components($0.path), method: $0.method) }
        entries.withLockedValue { $0 = list }
    }

    static func components(_ path: String) -> [Substring] {
        Substring(path).split(separator: "/", omittingEmptySubsequences: true)
    }

    /// Every method registered for a path (HEAD wherever GET is); empty for a path nobody serves.
    package func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = Self.components(path)
        var methods: [HTTPRequest.Method] = []
        for entry in entries.withLockedValue({ $0 }) where Self.matches(entry.components, parts) && !methods.contains(entry.method) {
            methods.append(entry.method)
        }
        if methods.contains(.get), !methods.contains(.head) { methods.append(.head) }
        return methods
    }

    static func matches(_ pattern: [Substring], _ parts: [Substring]) -> Bool {
        var index = 0
        for (position, component) in pattern.enumerated() {
            if component == "**" { return true }
            guard index < parts.count else { return false }
            let isParameter = component.hasPrefix(":") || component.hasPrefix("{") || component == "*"
            if !isParameter && component != parts[index] { return false }
            index += 1
            if position == pattern.count - 1 { return index == parts.count }
        }
        return pattern.isEmpty && parts.isEmpty
    }
}

/// A known path asked with a method it does not take is a 405 naming the ones it takes, not a 404.
package struct MethodNotAllowedMiddleware: RouterMiddleware {
    let routes: RouteTable

    package init(routes: RouteTable) {
        self.routes = routes
    }

    package func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        // A matched route has an endpoint; only the router's "not found" answer (or the catch-all) is looked at again.
        if context.endpointPath == nil || context.endpointPath == "/**" {
            let methods = routes.methods(for: request.uri.path)
            if !methods.isEmpty, !methods.contains(request.method) {
                var error = AppError(.methodNotAllowed, code: "method_not_allowed")
                error.headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
                throw error
            }
        }
        return try await next(request, context)
    }
}
