// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Centres

@Suite struct AppointmentTests {
    typealias F = CentresFixtures

    @Test func slotsFollowOpeningHoursInTheCentresTimeZone() async throws {
        try await F.withCentres { components in
            let centre = try await DirectoryRepository(database: components.database).requireCentre(F.brazzaville)
            // Friday 13 March 2026, 12:10 UTC = 13:10 in Brazzaville: today's slots start at 13:30 local (12:30 UTC), last at 15:30.
            let now = F.date("2026-03-13T12:10:00Z")
            let slots = try await AppointmentService(database: components.database).slots(centre: centre, service: F.record, now: now)
            #expect(slots.first?.start == F.date("2026-03-13T12:30:00Z"))
            #expect(slots.filter { CentreClock.day($0.start, in: centre.timeZone) == "2026-03-13" }.count == 5)
            // No slots on Saturday and Sunday; Monday has 16 (08:00–16:00 local).
            #expect(!slots.contains { ["2026-03-14", "2026-03-15"].contains(CentreClock.day($0.start, in: centre.timeZone)) })
            #expect(slots.filter { CentreClock.day($0.start, in: centre.timeZone) == "2026-03-16" }.count == 16)
            #expect(slots.first { CentreClock.day($0.start, in: centre.timeZone) == "2026-03-16" }?.start == F.date("2026-03-16T07:00:00Z"))
        }
    }

    @Test func capacityCancellationAndCheckIn() async throws {
        try await F.withCentres { components in
            let service = AppointmentService(database: components.database)
            let now = F.date("2026-03-13T12:10:00Z")
            let slot = "2026-03-16T09:00:00.000Z"
            let first = try await service.book(centre: F.brazzaville, service: F.record, slot: slot, requestToken: nil, now: now)
            let token = UUID().uuidString.lowercased()
            let second = try await service.book(centre: F.brazzaville, service: F.record, slot: slot, requestToken: token, now: now)
            // A retried booking form returns the same booking and takes no second place.
            #expect(try await service.book(centre: F.brazzaville, service: F.record, slot: slot, requestToken: token, now: now) == second)
            #expect(
                await errorCode { _ = try await service.book(centre: F.brazzaville, service: F.record, slot: slot, requestToken: nil, now: now) }
                    == "slot_full")
            #expect(
                await errorCode {
                    _ = try await service.book(
                        centre: F.brazzaville, service: F.record, slot: "2026-03-14T09:00:00.000Z", requestToken: nil, now: now)
                } == "slot_unknown")
            _ = try await service.cancel(code: first.code, now: now)
            #expect(await errorCode { _ = try await service.cancel(code: first.code, now: now) } == "appointment_state")
            let third = try await service.book(centre: F.brazzaville, service: F.record, slot: slot, requestToken: nil, now: now)
            #expect(third.code != first.code)

            // Check-in: not two hours early, not at another centre; then an appointment-priority ticket, the same one if checked in twice.
            #expect(
                await errorCode { _ = try await service.checkIn(centre: F.brazzaville, code: second.code, now: F.date("2026-03-16T07:00:00Z")) }
                    == "appointment_not_now")
            #expect(
                await errorCode { _ = try await service.checkIn(centre: F.dakar, code: second.code, now: F.date("2026-03-16T08:50:00Z")) }
                    == "appointment_not_found")
            let ticket = try await service.checkIn(centre: F.brazzaville, code: second.code, now: F.date("2026-03-16T08:50:00Z"))
            #expect(ticket.ticketPriority == .appointment && ticket.serviceId == F.record)
            #expect(try await service.checkIn(centre: F.brazzaville, code: second.code.lowercased(), now: F.date("2026-03-16T08:55:00Z")) == ticket)
            #expect(await errorCode { _ = try await service.cancel(code: second.code) } == "appointment_state")
            let actions = try await AuditLog.records(on: components.database.db).map(\.entry.action).filter { $0.hasPrefix("appointment.") }
            #expect(actions == ["appointment.booked", "appointment.booked", "appointment.cancelled", "appointment.booked", "appointment.checked_in"])
        }
    }

    /// Twelve people book the same slot at once: exactly `capacity` get it.
    @Test func capacityHoldsUnderConcurrentBookings() async throws {
        try await F.withCentres { components in
            let service = AppointmentService(database: components.database)
            let now = F.date("2026-03-13T12:10:00Z")
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await service.book(
                                centre: F.brazzaville, service: F.record, slot: "2026-03-17T10:00:00.000Z", requestToken: nil, now: now)
                            return true
                        } catch let error as AppError where error.code == "slot_full" {
                            return false
                        }
                    }
                }
                var results: [Bool] = []
                for try await outcome in group { results.append(outcome) }
                return results
            }
            #expect(outcomes.filter { $0 }.count == AppointmentRules.capacity)
            #expect(try await F.count(components, "centre_appointments") == AppointmentRules.capacity)
        }
    }

    @Test func bookingPagesAndKioskCheckIn() async throws {
        try await F.withClient { client, components in
            var session = FormSession()
            let form = try await client.execute(uri: CentresRoute.appointments.path(F.dakar) + "?service=\(F.identity)", method: .get) { $0 }
            #expect(form.status == .ok && form.text.contains("<select id=\"slot\" name=\"slot\" required>"))
            session.read(form)
            let slot = try #require(form.text.firstMatch(of: /<option value="([0-9T:.Z-]+)">/).map { String($0.1) })
            let booked = try await session.post(
                client, CentresRoute.appointments.path(F.dakar),
                [("service", F.identity), ("slot", slot), ("request", try #require(form.text.field("request")))])
            #expect(booked.status == .seeOther)
            let location = try #require(booked.headers[.location])
            let page = try await client.execute(uri: location, method: .get) { $0 }
            #expect(page.text.contains("réservé") && page.text.contains("Carte d&#39;identité"))
            let code = String(location.dropFirst("/appointments/".count).prefix(8))
            // A wrong code at the kiosk: the kiosk again, with the reason.
            var kiosk = FormSession()
            kiosk.read(try await client.execute(uri: CentresRoute.kiosk.path(F.dakar), method: .get) { $0 })
            let wrong = try await kiosk.post(client, CentresRoute.checkIn.path(F.dakar), [("code", "ZZZZZZZZ")])
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("Aucun rendez-vous de ce centre n&#39;a ce code."))
            session.read(page)
            #expect(try await session.post(client, CentresRoute.appointmentCancel.path(code), []).status == .seeOther)
            try await client.execute(uri: location, method: .get) { response in #expect(response.text.contains("annulé")) }
            _ = components
        }
    }
}
