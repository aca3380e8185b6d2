// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// Reading query parameters: anything malformed is a 400 naming the parameter, never a 500 (path ids: `context.pathValue`).
enum RequestParameters {
    static func positiveInt(_ request: Request, _ name: String, default value: Int, max: Int) throws -> Int {
        guard let raw = request.form[name] else { return value }
        guard let number = Int(raw), number >= 1, number <= max else {
            throw AppError.badParameter(name, value: raw)
        }
        return number
    }

    static func optional(_ request: Request, _ name: String) -> String? {
        guard let value = request.form[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    static func country(_ request: Request, known: [Country]) throws -> String? {
        guard let code = optional(request, "country") else { return nil }
        guard let country = known.first(where: { $0.code == code.uppercased() }) else {
            throw AppError.badParameter("country", value: code)
        }
        return country.code
    }
}
