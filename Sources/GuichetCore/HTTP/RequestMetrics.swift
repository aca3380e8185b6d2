// SPDX-License-Identifier: MPL-2.0
import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import NIOConcurrencyHelpers

/// Counts each request and its duration per route, method and status, with the names and dimensions of Hummingbird's
/// `MetricsMiddleware` (`hb.requests`, `http.server.request.duration`, `hb.request.errors`,
/// `http.server.active_requests`), so `/metrics` reads the same.
///
/// Unlike Hummingbird's, the duration ends when the response is ready rather than once its body is written: recording
/// after the write wraps every body in a closure, and Hummingbird then sends the head, the body and the end as three
/// writes to the socket instead of one. The time to send a page over the network is the client's, not the server's.
package struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let cache: RequestMetricsCache

    /// `factory`: where the metrics go (the registry behind `/metrics`), rather than the process's global system.
    package init(factory: any MetricsFactory) {
        cache = RequestMetricsCache(factory: factory)
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = cache.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let metrics = cache.endpoint(.init(endpoint: context.endpointPath ?? "Unknown", method: request.method, status: response.status))
            metrics.counter.increment()
            metrics.timer.recordNanoseconds(Int64(truncatingIfNeeded: DispatchTime.now().uptimeNanoseconds &- start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = cache.endpoint(.init(endpoint: context.endpointPath ?? "NotFound", method: request.method, status: status))
            metrics.counter.increment()
            metrics.errorCounter.increment()
            throw error
        }
    }
}

/// The metrics of each method and endpoint, made once: the factory's own lookup takes its labels apart every time.
final class RequestMetricsCache: Sendable {
    struct EndpointID: Hashable {
        let endpoint: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    struct EndpointMetrics: Sendable {
        let counter: Counter
        let timer: Timer
        let errorCounter: Counter
    }

    private let factory: any MetricsFactory
    private let meters = NIOLockedValueBox<[HTTPRequest.Method: Meter]>([:])
    private let endpoints = NIOLockedValueBox<[EndpointID: EndpointMetrics]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func active(_ method: HTTPRequest.Method) -> Meter {
        meters.withLockedValue { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)], factory: factory)
            meters[method] = meter
            return meter
        }
    }

    func endpoint(_ id: EndpointID) -> EndpointMetrics {
        endpoints.withLockedValue { endpoints in
            if let metrics = endpoints[id] { return metrics }
            let route = ("http.route", id.endpoint)
            let method = ("http.request.method", id.method.rawValue)
            let status = String(id.status.code)
            let metrics = EndpointMetrics(
                counter: Counter(label: "hb.requests", dimensions: [route, method, ("http.response.status_code", status)], factory: factory),
                timer: Timer(
                    label: "http.server.request.duration", dimensions: [route, method, ("http.response.status_code", status)],
                    preferredDisplayUnit: .seconds, factory: factory),
                errorCounter: Counter(label: "hb.request.errors", dimensions: [route, method, ("error.type", status)], factory: factory))
            endpoints[id] = metrics
            return metrics
        }
    }
}
