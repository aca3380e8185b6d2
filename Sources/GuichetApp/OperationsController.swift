// SPDX-License-Identifier: MPL-2.0
import Crypto
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird
import Prometheus
import SQLKit

/// The stylesheet, served from memory under a path that changes with its content, so browsers keep it for a year.
package struct Stylesheet: Sendable {
    let body: ByteBuffer
    let etag: String
    package let versionedPath: String

    let path: String

    init(file: URL, path: String = CorePaths.stylesheet) throws {
        let data = try Data(contentsOf: file)
        let digest = SHA256.hash(data: data).prefix(6).hexLowercase
        body = ByteBuffer(bytes: data)
        etag = "\"\(digest)\""
        self.path = path
        versionedPath = "\(path)?v=\(digest)"
    }
}

/// Health, metrics, the bare baseline route and the stylesheet.
struct OperationsController {
    let database: DatabaseService
    let metrics: PrometheusCollectorRegistry
    let stylesheets: [Stylesheet]
    /// `/metrics` answers only with this bearer token; without one configured, only to this machine (loopback, not proxied).
    let metricsToken: String?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(CorePaths.ping)) { _, _ in "ok" }
        router.get(RouterPath(CorePaths.health)) { _, _ -> Response in
            let healthy = (try? await database.sql.raw("SELECT 1 AS one").first(decodingColumn: "one", as: Int.self)) == 1
            struct Health: Encodable {
                let status: String
                let database: String
            }
            return try JSONResponse.make(
                Health(status: healthy ? "ok" : "unavailable", database: healthy ? "ok" : "unavailable"),
                status: healthy ? .ok : .serviceUnavailable)
        }
        router.get(RouterPath(CorePaths.metrics)) { request, context -> Response in
            guard mayReadMetrics(request, context) else { throw AppError.notFound() }
            var buffer: [UInt8] = []
            metrics.emit(into: &buffer)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        for stylesheet in stylesheets {
            router.get(RouterPath(stylesheet.path)) { request, _ -> Response in
                var headers = HTTPFields()
                headers[.contentType] = "text/css; charset=utf-8"
                headers[.cacheControl] = "public, max-age=31536000, immutable"
                headers[.eTag] = stylesheet.etag
                if request.headers[.ifNoneMatch] == stylesheet.etag {
                    return Response(status: .notModified, headers: headers)
                }
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: stylesheet.body))
            }
        }
    }
}

extension OperationsController {
    func mayReadMetrics(_ request: Request, _ context: AppRequestContext) -> Bool {
        if let metricsToken {
            guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") else { return false }
            return CSRFMiddleware.constantTimeEqual(String(authorization.dropFirst("Bearer ".count)), metricsToken)
        }
        let proxied = request.headers[.xForwardedFor] != nil
        return !proxied && ["127.0.0.1", "::1"].contains(context.channelAddress ?? "")
    }
}

/// One log line per request: method, path without its query (what people type may be personal), status,
/// duration; the request id is in the logger's metadata.
struct RequestLogMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: Int(response.status.code), since: start)
            return response
        } catch {
            log(request, context, status: (error as? HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    func log(_ request: Request, _ context: AppRequestContext, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(status)",
                "ms": "\((milliseconds * 10).rounded() / 10)",
            ])
    }
}

/// Echoes the request id of the logs in `X-Request-Id`, so a person reporting a problem can quote it, and sets the
/// security headers (`SecurityHeaders`): one middleware rather than two, as every request pays for each layer.
struct ResponseHeadersMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        SecurityHeaders.apply(to: &response.headers)
        response.headers[.xRequestId] = context.requestId
        return response
    }
}
