// SPDX-License-Identifier: MPL-2.0
import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Chooses the language of the request and remembers an explicit `?lang=` choice in a cookie; reads the person's
/// country from its cookie (set by the country chooser) or the deployment's default.
package struct LanguageMiddleware: RouterMiddleware {
    let secureCookies: Bool
    let defaultCountry: String?
    /// The `Set-Cookie` field remembering each language, made once.
    let languageCookies: (fr: HTTPField, en: HTTPField)

    package init(secureCookies: Bool, defaultCountry: String? = nil) {
        self.secureCookies = secureCookies
        self.defaultCountry = defaultCountry
        func field(_ language: Language) -> HTTPField {
            let cookie = Cookie(name: "lang", value: language.rawValue, maxAge: 31_536_000, path: "/", secure: secureCookies, sameSite: .lax)
            return HTTPField(name: .setCookie, value: cookie.description)
        }
        languageCookies = (fr: field(.fr), en: field(.en))
    }

    /// The cookie's value when it is a well-formed country code (two ASCII capitals), else nil.
    package static func countryCode(_ value: String?) -> String? {
        guard let value, value.utf8.count == 2, value.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        return value
    }

    package func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let query = request.form["lang"]
        let cookies = request.cookies
        let cookie = cookies["lang"]?.value
        context.language = Language.negotiate(query: query, cookie: cookie, acceptLanguage: request.headers[.acceptLanguage])
        context.languageInQuery = query.flatMap { Language(rawValue: $0.lowercased()) } != nil
        if let chosen = Self.countryCode(cookies["country"]?.value) {
            context.country = chosen
            context.countryChosen = true
        } else {
            context.country = defaultCountry
        }
        var response = try await next(request, context)
        if context.languageInQuery, cookie != context.language.rawValue, !request.uri.path.hasPrefix(CorePaths.apiPrefix) {
            response.headers.append(context.language == .fr ? languageCookies.fr : languageCookies.en)
        }
        if !response.headers.contains(.contentLanguage) { response.headers.append(Self.contentLanguage(context.language)) }
        return response
    }

    /// `Content-Language` for each language, made once.
    static let contentLanguages = (fr: HTTPField(name: .contentLanguage, value: "fr"), en: HTTPField(name: .contentLanguage, value: "en"))

    static func contentLanguage(_ language: Language) -> HTTPField {
        switch language {
        case .fr: contentLanguages.fr
        case .en: contentLanguages.en
        }
    }
}

/// Headers every response carries: no inline script may run, nobody may frame us, no sniffing. Set by the middleware
/// that also sets the request id (one layer fewer for every request); the policy is joined once, not for every response.
package enum SecurityHeaders {
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        + "form-action 'self'; frame-ancestors 'none'"

    /// The fields made (and their values checked) once; a handler's own value for one of them is kept.
    static let fields = [
        HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy), HTTPField(name: .xContentTypeOptions, value: "nosniff"),
        HTTPField(name: .referrerPolicy, value: "same-origin"), HTTPField(name: .xFrameOptions, value: "DENY"),
    ]

    package static func apply(to headers: inout HTTPFields) {
        for field in fields where !headers.contains(field.name) { headers.append(field) }
    }
}

/// gzip for text responses when the client accepts it: on 2G every kilobyte counts.
package struct GzipMiddleware<Context: RequestContext>: RouterMiddleware {
    package let minimumBytes: Int

    /// Below this, gzip's header and dictionary cost more than they save.
    package static var defaultMinimumBytes: Int { 860 }

    package init(minimumBytes: Int = GzipMiddleware.defaultMinimumBytes) {
        self.minimumBytes = minimumBytes
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard request.headers[.acceptEncoding]?.contains("gzip") == true,
            response.headers[.contentEncoding] == nil,
            let type = response.headers[.contentType],
            type.hasPrefix("text/") || type.hasPrefix("application/json") || type.hasPrefix("application/geo+json")
                || type.hasPrefix("application/problem+json")
        else { return response }
        let collector = BodyCollector()
        try await response.body.write(collector.writer)
        guard var buffer = collector.buffer, buffer.readableBytes >= minimumBytes else {
            response.body = .init(byteBuffer: collector.buffer ?? ByteBuffer())
            return response
        }
        let compressed = try buffer.compress(with: .gzip())
        response.headers[.contentEncoding] = "gzip"
        response.headers[.vary] = "Accept-Encoding"
        response.headers[.contentLength] = nil
        response.body = .init(byteBuffer: compressed)
        return response
    }
}

final class BodyCollector: @unchecked Sendable {
    var buffer: ByteBuffer?

    var writer: some ResponseBodyWriter { Writer(collector: self) }

    struct Writer: ResponseBodyWriter {
        let collector: BodyCollector

        mutating func write(_ part: ByteBuffer) async throws {
            guard var buffer = collector.buffer else {
                collector.buffer = part
                return
            }
            // Taken out while written to, so the buffer stays uniquely referenced and is not copied.
            collector.buffer = nil
            var part = part
            buffer.writeBuffer(&part)
            collector.buffer = buffer
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// Turns every error into a page in the user's language or, under `/api/`, the JSON error body.
/// A 5xx is logged with the request id; its details never reach the client.
package struct ErrorMiddleware: RouterMiddleware {
    package let renderer: Renderer

    package init(renderer: Renderer) {
        self.renderer = renderer
    }

    package func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let appError = Self.appError(from: error)
            if appError.status.code >= 500 {
                // One clear line per server error: the request id (in the logger's metadata), method, path without its
                // query, and the error's type — never the body, the query or the error's text (which may quote them).
                context.logger.error(
                    "server error",
                    metadata: [
                        "status": "\(appError.status.code)", "method": "\(request.method)", "path": "\(request.uri.path)",
                        "error_type": "\(String(reflecting: type(of: error)))",
                    ])
            }
            var response = try errorResponse(appError, request: request, context: context)
            for field in appError.headers { response.headers.append(field) }
            return response
        }
    }

    static func appError(from error: any Error) -> AppError {
        if let appError = error as? AppError { return appError }
        if let httpError = error as? HTTPError {
            switch httpError.status {
            case .notFound: return .notFound()
            case .methodNotAllowed: return AppError(.methodNotAllowed, code: "method_not_allowed")
            case .contentTooLarge: return AppError(.contentTooLarge, code: "too_large")
            default:
                return httpError.status.code < 500
                    ? AppError(httpError.status, code: "bad_request") : AppError(.internalServerError, code: "internal")
            }
        }
        if error is DecodingError { return .decoding(error) }
        // Hummingbird's own (a body over the limit is NIOTooManyBytesError → 413): their 4xx status is kept.
        if let responseError = error as? any HTTPResponseError {
            switch responseError.status {
            case .contentTooLarge: return AppError(.contentTooLarge, code: "too_large")
            case let status where status.code >= 400 && status.code < 500: return AppError(status, code: "bad_request")
            default: return AppError(.internalServerError, code: "internal")
            }
        }
        return AppError(.internalServerError, code: "internal")
    }

    func errorResponse(_ error: AppError, request: Request, context: AppRequestContext) throws -> Response {
        let localizer = renderer.localizer
        let message = error.detail ?? localizer.text("errors.\(error.code)", context.language, error.arguments)
        if request.uri.path.hasPrefix(CorePaths.apiPrefix) {
            var response = JSONError(code: error.code, message: message, field: error.field).response(status: error.status)
            if error.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
            return response
        }
        if error.status == .unauthorized {
            // A signed-out visitor of a back-office page goes to the sign-in page, then back (path only: no query, no personal data).
            let next = request.method == .get ? request.uri.path : CorePaths.backOffice
            return Response(status: .seeOther, headers: [.location: "\(CorePaths.signIn)?next=\(FormQuery.encode(next))"])
        }
        let page = ErrorPage(
            status: Int(error.status.code), heading: localizer.text("errors.title_\(Self.family(error.status))", context.language),
            message: message, requestId: context.requestId)
        do {
            return try renderer.page("core-error", title: page.heading, page: page, request: request, context: context, status: error.status)
        } catch {
            // The error page itself failed: say it plainly rather than let the error escape.
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(status: .internalServerError, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
        }
    }

    static func family(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: return "404"
        case 403: return "403"
        case 400..<500: return "4xx"
        default: return "5xx"
        }
    }
}

struct ErrorPage {
    let status: Int
    let heading: String
    let message: String
    let requestId: String
}

/// `{"error":{"code","message","field"}}`.
package struct JSONError: Encodable {
    struct Body: Encodable {
        let code: String
        let message: String
        let field: String?

        enum CodingKeys: String, CodingKey { case code, message, field }

        /// `field` is written as `null` when absent: clients can rely on the three keys.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(code, forKey: .code)
            try container.encode(message, forKey: .message)
            try container.encode(field, forKey: .field)
        }
    }

    let error: Body

    package init(code: String, message: String, field: String?) {
        self.error = Body(code: code, message: message, field: field)
    }

    package func response(status: HTTPResponse.Status) -> Response {
        let data = (try? JSONResponse.encoder.encode(self)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// JSON responses of the API: stable key order, ISO dates.
package enum JSONResponse {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    package static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
