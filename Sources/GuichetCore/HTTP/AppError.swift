import Hummingbird

/// The one error type features throw. The error middleware keeps the status and renders an HTML page
/// in the user's language or the JSON body `{"error":{"code","message","field"}}`.
package struct AppError: Error, Sendable {
    package var status: HTTPResponse.Status
    /// Stable machine code, also the locale key `errors.<code>`.
    package var code: String
    package var field: String?
    /// Extra words for the message placeholders (`{value}`…).
    package var arguments: [String: String]
    /// A message already written (e.g. an import report); otherwise the locale text of `code`.
    package var detail: String?

    package init(_ status: HTTPResponse.Status, code: String, field: String? = nil, arguments: [String: String] = [:], detail: String? = nil) {
        self.status = status
        self.code = code
        self.field = field
        self.arguments = arguments
        self.detail = detail
    }

    package static func notFound(_ code: String = "not_found") -> AppError { AppError(.notFound, code: code) }

    /// A 400 naming the parameter and (the start of) the value it had.
    package static func badParameter(_ field: String, code: String = "bad_parameter", value: String = "") -> AppError {
        AppError(.badRequest, code: code, field: field, arguments: ["field": field, "value": String(value.prefix(40))])
    }

    package static func validation(field: String, code: String, detail: String? = nil) -> AppError {
        AppError(.unprocessableContent, code: code, field: field, arguments: ["field": field], detail: detail)
    }

    package static func conflict(_ code: String = "conflict") -> AppError { AppError(.conflict, code: code) }
}
