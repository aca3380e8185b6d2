// SPDX-License-Identifier: MPL-2.0
/// The routes that take files, each with the largest body it reads. A `multipart/form-data` body is read only on
/// these (within their limit); on any other route it is refused with a 415 before a byte of it is read.
package struct UploadRoutes: Sendable {
    private var limits: [String: Int] = [:]

    package init(_ routes: [(route: Route, maxBytes: Int)] = []) {
        for entry in routes { limits[entry.route.routerPath.description] = entry.maxBytes }
    }

    /// The limit of the matched route (Hummingbird's `endpointPath`), nil when it takes no files.
    package func limit(forEndpoint endpoint: String?) -> Int? {
        endpoint.flatMap { limits[$0] }
    }
}
