// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// One wrong answer: the field and the locale key of the message (`apply.errors.<code>`), with its placeholders.
package struct AnswerError: Error, Sendable, Equatable, Codable {
    package var field: String
    /// The locale key's last part (`applications.errors.<reason>`).
    package var reason: String
    package var arguments: [String: String]

    package init(field: String, reason: String, arguments: [String: String] = [:]) {
        self.field = field
        self.reason = reason
        self.arguments = arguments
    }
}

/// Checks and normalises typed answers against a form's rules. Files are checked elsewhere (`FileInspector`).
package enum AnswerValidator {
    /// Whether a field is asked, given the answers so far.
    package static func isShown(_ field: FormField, answers: [String: String]) -> Bool {
        guard let condition = field.showIf else { return true }
        return answers[condition.field] == condition.equals
    }

    /// Validates the answers given on one page. Returns the normalised answers of the page's shown fields
    /// (hidden ones are dropped) and every error.
    package static func validate(
        page: FormPage, input: [String: String], previous: [String: String], today: Date = Date()
    ) -> (answers: [String: String], errors: [AnswerError]) {
        var answers = previous
        var errors: [AnswerError] = []
        for field in page.fields where field.kind != .file {
            // Conditions look at the answers already known, this page's included.
            guard isShown(field, answers: answers) else {
                answers[field.key] = nil
                continue
            }
            let raw = (input[field.key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if raw.isEmpty {
                answers[field.key] = nil
                if field.isRequired { errors.append(AnswerError(field: field.key, reason: field.kind == .choice ? "choose" : "required")) }
                continue
            }
            switch check(field, raw, today: today) {
            case .success(let value): answers[field.key] = value
            case .failure(let error):
                answers[field.key] = raw
                errors.append(error)
            }
        }
        return (answers, errors)
    }

    /// Every required, shown, typed field of the whole form has a valid answer (checked again at submission).
    package static func missing(_ definition: FormDefinition, answers: [String: String], files: Set<String>, today: Date = Date()) -> [String] {
        var missing: [String] = []
        for field in definition.fields where field.isRequired && isShown(field, answers: answers) {
            if field.kind == .file {
                if !files.contains(field.key) { missing.append(field.key) }
            } else if (answers[field.key] ?? "").isEmpty {
                missing.append(field.key)
            } else if case .failure = check(field, answers[field.key] ?? "", today: today) {
                missing.append(field.key)
            }
        }
        return missing
    }

    static func check(_ field: FormField, _ raw: String, today: Date) -> Result<String, AnswerError> {
        let key = field.key
        var value = raw
        switch field.kind {
        case .text, .file:
            value = raw.replacingOccurrences(of: "\r\n", with: "\n")
        case .number:
            guard let number = InputParser.decimal(raw, in: -1e15...1e15) else { return .failure(AnswerError(field: key, reason: "number")) }
            if let min = field.min, number < min { return .failure(AnswerError(field: key, reason: "number_min", arguments: ["min": format(min)])) }
            if let max = field.max, number > max { return .failure(AnswerError(field: key, reason: "number_max", arguments: ["max": format(max)])) }
            value = format(number)
        case .date:
            guard let date = parseDate(raw) else { return .failure(AnswerError(field: key, reason: "date")) }
            if field.notAfterToday == true, date.iso > isoDay(today) { return .failure(AnswerError(field: key, reason: "date_future")) }
            value = date.iso
        case .choice:
            guard (field.choices ?? []).contains(where: { $0.value == raw }) else { return .failure(AnswerError(field: key, reason: "choose")) }
        case .phone:
            let digits = raw.filter { $0.isASCII && $0.isNumber }
            let plus = raw.hasPrefix("+") || raw.hasPrefix("00")
            guard raw.count <= 40, raw.allSatisfy({ ($0.isASCII && $0.isNumber) || " +-.()".contains($0) }), (8...15).contains(digits.count) else {
                return .failure(AnswerError(field: key, reason: "phone"))
            }
            value = (plus ? "+" : "") + (raw.hasPrefix("00") ? String(digits.dropFirst(2)) : digits)
        case .nationalId:
            let compact = raw.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
            guard !compact.isEmpty, compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), (5...20).contains(compact.count) else {
                return .failure(AnswerError(field: key, reason: "national_id"))
            }
            value = compact
        case .email:
            let parts = raw.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
                !raw.contains(where: \.isWhitespace), raw.count <= 254
            else { return .failure(AnswerError(field: key, reason: "email")) }
            value = raw.lowercased()
        }
        if let min = field.minLength, value.count < min {
            return .failure(AnswerError(field: key, reason: "too_short", arguments: ["min": "\(min)"]))
        }
        if let max = field.maxLength ?? (field.kind == .text ? 2000 : nil), value.count > max {
            return .failure(AnswerError(field: key, reason: "too_long", arguments: ["max": "\(max)"]))
        }
        if let pattern = field.pattern, let expression = try? NSRegularExpression(pattern: "^(?:\(pattern))$") {
            if expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) == nil {
                return .failure(AnswerError(field: key, reason: "pattern"))
            }
        }
        return .success(value)
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    /// `YYYY-MM-DD` or `DD/MM/YYYY` (also with `-` or `.`), a real calendar day, in ASCII digits.
    static func parseDate(_ raw: String) -> (iso: String, Void)? {
        InputParser.typedDay(raw).map { ($0.iso, ()) }
    }

    /// The UTC day (no formatter made for each answer: making one took 6 % of a submission's CPU).
    static func isoDay(_ date: Date) -> String {
        Timestamps.day(date)
    }
}
