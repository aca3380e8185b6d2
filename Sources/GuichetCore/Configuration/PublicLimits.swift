// SPDX-License-Identifier: MPL-2.0
import Foundation

/// How much one device or one address may ask of the public forms that need no account. A real kiosk, tablet or
/// person never reaches these; a script does. Set with `GUICHET_LIMIT_…` (README, "Limits"); each change is an audit
/// event at the next start.
package struct PublicLimits: Sendable, Equatable, Codable {
    /// Kiosk tickets per minute from one registered kiosk device, or from one address without one.
    package var kioskTicketsPerMinute = 20
    /// Remote tickets (page and API) per hour from one address.
    package var remoteTicketsPerHour = 30
    /// Appointments booked per day from one address.
    package var appointmentsPerDay = 10
    /// Seconds between two answers on one feedback tablet (device), or from one address without one.
    package var feedbackIntervalSeconds = 15

    package init() {}

    static let variables: [(name: String, key: WritableKeyPath<PublicLimits, Int>, range: ClosedRange<Int>)] = [
        ("GUICHET_LIMIT_KIOSK_PER_MINUTE", \.kioskTicketsPerMinute, 1...10_000),
        ("GUICHET_LIMIT_REMOTE_PER_HOUR", \.remoteTicketsPerHour, 1...100_000),
        ("GUICHET_LIMIT_APPOINTMENTS_PER_DAY", \.appointmentsPerDay, 1...100_000),
        ("GUICHET_LIMIT_FEEDBACK_SECONDS", \.feedbackIntervalSeconds, 1...3600),
    ]

    package mutating func apply(_ environment: [String: String]) throws {
        for variable in Self.variables {
            guard let raw = environment[variable.name], !raw.isEmpty else { continue }
            guard let value = InputParser.integer(raw, in: variable.range) else {
                throw ConfigurationError.invalid(variable.name, "\(raw) (expected \(variable.range.lowerBound)–\(variable.range.upperBound))")
            }
            self[keyPath: variable.key] = value
        }
    }

    /// One line for the audit log: `kiosk_per_minute=20 remote_per_hour=30 …`.
    package var summary: String {
        Self.variables.map { "\($0.name.dropFirst("GUICHET_LIMIT_".count).lowercased())=\(self[keyPath: $0.key])" }.joined(separator: " ")
    }
}
