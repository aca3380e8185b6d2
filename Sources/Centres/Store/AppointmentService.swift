// SPDX-License-Identifier: MPL-2.0
import Audit
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// Appointments (`AppointmentRules`): the slots of a service with their bookings, booking a place (one statement takes
/// it or finds the slot full), cancelling, and checking in at the kiosk for an appointment-priority ticket.
package struct AppointmentService: Sendable {
    let database: DatabaseService
    let directory: DirectoryRepository
    let queue: QueueService
    let clock: any WallClock
    var notifier: any Notifier { queue.notifier }

    package init(database: DatabaseService, directory: DirectoryRepository, queue: QueueService, clock: any WallClock) {
        self.database = database
        self.directory = directory
        self.queue = queue
        self.clock = clock
    }

    /// Appointments over their own directory reader and queue (tests).
    package init(database: DatabaseService, clock: any WallClock = SystemClock()) {
        let queue = QueueService(database: database, clock: clock)
        self.init(database: database, directory: queue.directory, queue: queue, clock: clock)
    }

    /// The slots of a service from `now` on, with how many are booked; closed days and closures have none.
    package func slots(centre: Centre, service: String, now: Date? = nil) async throws -> [AppointmentRules.Slot] {
        let now = now ?? clock.now
        let zone = centre.timeZone
        let closed = Set(try await directory.closures(centre.id, from: CentreClock.day(now, in: zone)).map(\.day))
        let starts = AppointmentRules.slotStarts(after: now, in: zone, hours: try await directory.hours(centre.id), closedDays: closed)
        guard let first = starts.first, let last = starts.last else { return [] }
        struct CountRow: Decodable { let slotStart: String, booked: Int }
        let counts = try await database.sql.select().columns("slot_start", "booked").from("centre_slot_counts").where("service_id", .equal, service)
            .where("slot_start", .greaterThanOrEqual, CentreClock.stamp(first)).where("slot_start", .lessThanOrEqual, CentreClock.stamp(last))
            .all(decoding: CountRow.self, keyDecodingStrategy: .snakeCaseColumns)
        let booked = Dictionary(counts.map { ($0.slotStart, $0.booked) }, uniquingKeysWith: max)
        return starts.map { AppointmentRules.Slot(start: $0, booked: booked[CentreClock.stamp($0)] ?? 0) }
    }

    package func book(
        centre centreId: String, service serviceId: String, slot: String, requestToken: String?, contact: Contact? = nil, now: Date? = nil
    ) async throws -> Appointment {
        try await book(
            centre: try await directory.requireCentre(centreId), service: serviceId, slot: slot, requestToken: requestToken, contact: contact,
            now: now)
    }

    /// Who is told by SMS that the appointment is booked, a day and an hour before it, and when it is cancelled.
    package struct Contact: Sendable {
        package var phone: String
        package var language: String

        package init(phone: String, language: String) {
            self.phone = phone
            self.language = language
        }
    }

    /// Books a place for a centre the caller has already read.
    package func book(
        centre: Centre, service serviceId: String, slot: String, requestToken: String?, contact: Contact? = nil, now: Date? = nil
    ) async throws -> Appointment {
        let now = now ?? clock.now
        guard let service = try await directory.service(serviceId), service.centreId == centre.id else {
            throw AppError.validation(field: "service", code: "service_unknown")
        }
        if let contact, case .failure(let problem) = PhoneNumber.parse(contact.phone, defaultCountry: centre.country) {
            throw AppError.validation(field: "phone", code: problem.rawValue)
        }
        guard let start = Timestamps.parse(slot),
            try await slots(centre: centre, service: service.id, now: now).contains(where: { $0.start == start })
        else { throw AppError.validation(field: "slot", code: "slot_unknown") }
        let slotStart = CentreClock.stamp(start)
        return try await database.writeTransaction { db in
            let sql = db.sql
            if let requestToken, let existing = try await Self.appointment(sql, "centre_id", centre.id, and: "request_token", requestToken) {
                return existing
            }
            // One statement takes a place or finds the slot full, whatever other bookings run at the same time.
            let taken = try await sql.raw(
                """
                INSERT INTO centre_slot_counts (service_id, slot_start, booked) VALUES (\(bind: service.id), \(bind: slotStart), 1)
                ON CONFLICT (service_id, slot_start) DO UPDATE SET booked = centre_slot_counts.booked + 1
                WHERE centre_slot_counts.booked < \(literal: AppointmentRules.capacity) RETURNING booked
                """
            ).first(decodingColumn: "booked", as: Int.self)
            guard taken != nil else { throw AppError.conflict("slot_full") }
            let id = RandomID.uuid()
            try await sql.insert(into: "centre_appointments")
                .columns("id", "code", "centre_id", "service_id", "slot_start", "status", "created_at", "request_token")
                .values(
                    SQLBind(id), SQLBind(QueueRules.newCode()), SQLBind(centre.id), SQLBind(service.id), SQLBind(slotStart), SQLBind("booked"),
                    SQLBind(CentreClock.stamp(now)), SQLBind(requestToken)
                ).run()
            try await AuditLog.append(
                AuditEntry(
                    actor: "visitor", action: "appointment.booked", entity: "appointment", entityId: id, summary: "\(service.id) \(slotStart)"),
                on: db, at: now)
            guard let appointment = try await Self.appointment(sql, "id", id) else { throw AppError(.internalServerError, code: "internal") }
            if let contact {
                try await announceBooking(appointment, centre: centre, contact: contact, now: now, on: db)
            }
            return appointment
        }
    }

    /// The booking's message and its two reminders (a day and an hour before; one already past is not queued).
    func announceBooking(_ appointment: Appointment, centre: Centre, contact: Contact, now: Date, on db: any Database) async throws {
        let subject = "appointment:\(appointment.id)"
        let values = [
            "code": appointment.code, "centre": centre.name.fr, "day": CentreClock.day(appointment.slotStart, in: centre.timeZone),
            "time": CentreClock.localTime(appointment.slotStart, in: centre.timeZone),
        ]
        try await notifier.subscribe(
            subject: subject, phone: contact.phone, language: contact.language, country: centre.country,
            thenNotify: Notice(subject: subject, event: .appointmentBooked, values: values, key: "\(subject):booked"), on: db)
        for (event, before) in [(NoticeEvent.appointmentReminderDay, 86_400.0), (.appointmentReminderHour, 3_600.0)] {
            let at = appointment.slotStart.addingTimeInterval(-before)
            guard at > now else { continue }
            try await notifier.notify(
                Notice(subject: subject, event: event, values: values, key: "\(subject):\(event.rawValue)", notBefore: at), on: db)
        }
    }

    package func appointment(code: String) async throws -> Appointment? {
        try await Self.appointment(database.sql, "code", code.uppercased())
    }

    /// Cancels a booking and frees its place; 409 once checked in or already cancelled.
    package func cancel(code: String, now: Date? = nil) async throws -> Appointment {
        let now = now ?? clock.now
        guard let appointment = try await appointment(code: code) else { throw AppError.notFound("appointment_not_found") }
        let slotStart = CentreClock.stamp(appointment.slotStart)
        return try await database.writeTransaction { db in
            let sql = db.sql
            guard
                try await sql.raw(
                    "UPDATE centre_appointments SET status = 'cancelled' WHERE id = \(bind: appointment.id) AND status = 'booked' RETURNING id"
                ).first(decodingColumn: "id", as: String.self) != nil
            else { throw AppError.conflict("appointment_state") }
            try await sql.raw(
                """
                UPDATE centre_slot_counts SET booked = booked - 1 \
                WHERE service_id = \(bind: appointment.serviceId) AND slot_start = \(bind: slotStart)
                """
            ).run()
            try await AuditLog.append(
                AuditEntry(actor: "visitor", action: "appointment.cancelled", entity: "appointment", entityId: appointment.id, summary: slotStart),
                on: db, at: now)
            let subject = "appointment:\(appointment.id)"
            try await notifier.withdraw(subject: subject, events: [.appointmentReminderDay, .appointmentReminderHour], on: db)
            try await notifier.notify(
                Notice(subject: subject, event: .appointmentCancelled, values: ["code": appointment.code], key: "\(subject):cancelled"), on: db)
            try await notifier.forget(subject: subject, on: db)
            var cancelled = appointment
            cancelled.status = "cancelled"
            return cancelled
        }
    }

    /// Checking in at the centre's kiosk: a ticket with appointment priority. Checking in again returns the same ticket.
    package func checkIn(centre: String, code: String, now: Date? = nil) async throws -> Ticket {
        let now = now ?? clock.now
        guard let appointment = try await appointment(code: code), appointment.centreId == centre else {
            throw AppError.validation(field: "code", code: "appointment_not_found")
        }
        if appointment.status == "checked_in", let ticketId = appointment.ticketId, let ticket = try await queue.ticket(id: ticketId) {
            return ticket
        }
        guard appointment.status == "booked" else { throw AppError.conflict("appointment_state") }
        guard AppointmentRules.mayCheckIn(slot: appointment.slotStart, at: now) else {
            throw AppError.validation(field: "code", code: "appointment_not_now")
        }
        // The appointment's id makes the ticket request idempotent: a retried check-in finds the same ticket.
        let ticket = try await queue.issue(
            .init(
                centreId: centre, serviceId: appointment.serviceId, priority: .appointment, channel: .kiosk,
                requestToken: "appointment:\(appointment.id)",
                actor: "kiosk:\(centre)"), at: now)
        try await database.writeTransaction { db in
            try await db.sql.update("centre_appointments").set("status", to: "checked_in").set("ticket_id", to: ticket.id)
                .where("id", .equal, appointment.id).run()
            try await AuditLog.append(
                AuditEntry(
                    actor: "kiosk:\(centre)", action: "appointment.checked_in", entity: "appointment", entityId: appointment.id, summary: ticket.label
                ),
                on: db, at: now)
            let subject = "appointment:\(appointment.id)"
            try await notifier.withdraw(subject: subject, events: [.appointmentReminderDay, .appointmentReminderHour], on: db)
            try await notifier.forget(subject: subject, on: db)
        }
        return ticket
    }

    static func appointment(_ sql: any SQLDatabase, _ column: String, _ value: String, and other: String? = nil, _ otherValue: String? = nil)
        async throws -> Appointment?
    {
        struct Row: Decodable {
            let id: String, code: String, centreId: String, serviceId: String, slotStart: String, status: String, ticketId: String?
        }
        var query = sql.select().columns("id", "code", "centre_id", "service_id", "slot_start", "status", "ticket_id").from("centre_appointments")
            .where(SQLIdentifier(column), .equal, value)
        if let other, let otherValue { query = query.where(SQLIdentifier(other), .equal, otherValue) }
        guard let row = try await query.first(decoding: Row.self, keyDecodingStrategy: .snakeCaseColumns),
            let start = Timestamps.parse(row.slotStart)
        else { return nil }
        return Appointment(
            id: row.id, code: row.code, centreId: row.centreId, serviceId: row.serviceId, slotStart: start, status: row.status, ticketId: row.ticketId
        )
    }
}
