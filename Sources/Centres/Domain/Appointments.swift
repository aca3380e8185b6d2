// SPDX-License-Identifier: MPL-2.0
import Foundation

/// A booking: no name, no phone; its code cancels it or checks the person in at the kiosk.
package struct Appointment: Sendable, Equatable {
    package var id: String
    package var code: String
    package var centreId: String
    package var serviceId: String
    package var slotStart: Date
    /// `booked`, `cancelled` or `checked_in`.
    package var status: String
    package var ticketId: String?
}

/// Appointments: 30-minute slots inside the centre's opening hours for the next days, `capacity` people per service
/// and slot. Checking in at the kiosk gives an appointment-priority ticket.
package enum AppointmentRules {
    package static let slotMinutes = 30
    package static let capacity = 2
    package static let daysAhead = 7
    /// Check-in is open from an hour before the slot until 45 minutes after its start.
    package static let checkInEarly: TimeInterval = 60 * 60
    package static let checkInLate: TimeInterval = 45 * 60

    /// A slot with how many places are taken.
    package struct Slot: Sendable, Equatable {
        package var start: Date
        package var booked: Int
        package var isFull: Bool { booked >= AppointmentRules.capacity }
    }

    /// The starts of the slots after `now`, for `daysAhead` local days, inside the opening hours; closed days have none.
    package static func slotStarts(after now: Date, in zone: TimeZone, hours: [OpeningSpan], closedDays: Set<String>) -> [Date] {
        let calendar = CentreClock.calendar(zone)
        let today = calendar.startOfDay(for: now)
        var starts: [Date] = []
        for offset in 0..<daysAhead {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today), !closedDays.contains(CentreClock.day(day, in: zone)) else {
                continue
            }
            let weekday = CentreClock.weekday(day, in: zone)
            for span in hours where span.weekday == weekday {
                var minute = span.opens
                while minute + slotMinutes <= span.closes {
                    if let start = calendar.date(byAdding: .minute, value: minute, to: day), start > now { starts.append(start) }
                    minute += slotMinutes
                }
            }
        }
        return starts
    }

    /// Whether a person whose slot starts at `start` may check in at `now`.
    package static func mayCheckIn(slot start: Date, at now: Date) -> Bool {
        now >= start.addingTimeInterval(-checkInEarly) && now <= start.addingTimeInterval(checkInLate)
    }
}
