// SPDX-License-Identifier: MPL-2.0
/// A mobile or fixed number of a country Guichet serves, in E.164 (`+221771234567`). Numbers of other countries are
/// refused with a reason: the gateways of a deployment reach its own networks only.
package struct PhoneNumber: Sendable, Hashable {
    package let e164: String

    /// Calling code and national significant number length of each country served.
    package static let plans: [String: (code: String, digits: Int)] = ["SN": ("221", 9), "TG": ("228", 8), "CG": ("242", 9)]

    package enum Problem: String, Error, Sendable {
        /// Not a phone number at all (letters, too short, too long).
        case malformed = "phone_invalid"
        /// A number of a country Guichet does not serve.
        case country = "phone_country"
    }

    /// `+221 77 123 45 67`, `00221771234567`, `221771234567`, or a national `77 123 45 67` with `country` (`SN`, `TG`,
    /// `CG`) as the default. Spaces, dots, dashes and brackets are ignored.
    package static func parse(_ raw: String, defaultCountry country: String?) -> Result<PhoneNumber, Problem> {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= 40, trimmed.allSatisfy({ ($0.isASCII && $0.isNumber) || " +-.()/".contains($0) }) else {
            return .failure(.malformed)
        }
        var digits = String(trimmed.filter { $0.isASCII && $0.isNumber })
        var international = trimmed.hasPrefix("+")
        if !international, digits.hasPrefix("00") {
            digits.removeFirst(2)
            international = true
        }
        guard (8...15).contains(digits.count) else { return .failure(.malformed) }
        for (_, plan) in plans where digits.hasPrefix(plan.code) && digits.count == plan.code.count + plan.digits {
            return .success(PhoneNumber(e164: "+" + digits))
        }
        if international { return .failure(.country) }
        guard let country, let plan = plans[country.uppercased()] else { return .failure(.country) }
        // Congo's numbers keep their leading 0 (+242 06…); Senegal's and Togo's have none to drop.
        guard digits.count == plan.digits else { return .failure(digits.count > plan.digits ? .country : .malformed) }
        return .success(PhoneNumber(e164: "+" + plan.code + digits))
    }

    /// The country of a normalised number.
    package var country: String? {
        Self.plans.first { e164.hasPrefix("+" + $0.value.code) }?.key
    }
}
