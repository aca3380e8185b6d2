// SPDX-License-Identifier: MPL-2.0
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
    /// Headers the answer carries (`Allow` for a 405, `Retry-After` for a 429).
    package var headers: HTTPFields = [:]

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
    /// The one answer, on the whole API, to an `Idempotency-Key` already used for a request with another meaning:
    /// 422 `idempotency_key_reused` (as the IETF draft on the header advises).
    package static var idempotencyKeyReused: AppError {
        AppError(.unprocessableContent, code: "idempotency_key_reused", field: IdempotencyKey.header.rawName)
    }
}

extension AppError {
    /// A JSON body that could not be decoded, said in the person's language: which field, and whether it was missing or
    /// of the wrong kind — never the decoder's own words (they name Swift types).
    package static func decoding(_ error: any Error) -> AppError {
        guard let error = error as? DecodingError else { return AppError(.badRequest, code: "bad_json") }
        switch error {
        case .keyNotFound(let key, let context):
            let field = fieldPath(context.codingPath + [key])
            return AppError(.badRequest, code: "json_missing_field", field: field, arguments: ["field": field])
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = fieldPath(context.codingPath)
            return AppError(.badRequest, code: "json_wrong_type", field: field, arguments: ["field": field])
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else { return AppError(.badRequest, code: "bad_json") }
            let field = fieldPath(context.codingPath)
            return AppError(.badRequest, code: "json_bad_value", field: field, arguments: ["field": field])
        @unknown default:
            return AppError(.badRequest, code: "bad_json")
        }
    }

    /// `blocks[0].steps[2].title`.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path.prefix(12) {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + String(key.stringValue.prefix(60))
            }
        }
        return text.isEmpty ? "body" : text
    }
}
