// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation

/// What a person is told about, by SMS, when they left a number: each event has a message template per language in the
/// channels' locale catalogues (`sms.<event>`).
package enum NoticeEvent: String, Sendable, CaseIterable {
    case applicationSubmitted = "application_submitted"
    case applicationCorrection = "application_correction"
    case applicationApproved = "application_approved"
    case applicationRejected = "application_rejected"
    case documentIssued = "document_issued"
    case documentWithdrawn = "document_withdrawn"
    case ticketTaken = "ticket_taken"
    case ticketNear = "ticket_near"
    case ticketCalled = "ticket_called"
    case ticketNoShow = "ticket_no_show"
    case appointmentBooked = "appointment_booked"
    case appointmentReminderDay = "appointment_reminder_day"
    case appointmentReminderHour = "appointment_reminder_hour"
    case appointmentCancelled = "appointment_cancelled"
    /// The answer to a command a person sent by SMS (`SUIVI`, `RANG`…): its text is given whole.
    case reply
}

/// One message to send about a subject (an application, a ticket, an appointment) to whoever subscribed to it.
package struct Notice: Sendable {
    /// `application:<id>`, `ticket:<id>`, `appointment:<id>`.
    package var subject: String
    package var event: NoticeEvent
    /// The template's values (`reference`, `label`, `centre`, `position`, `time`…). Never a phone number or a name.
    package var values: [String: String]
    /// Unique per message: a retried or repeated write of the same change adds nothing (e.g. `ticket:<id>:called:<recalls>`).
    package var key: String
    /// Not sent before this instant (reminders); nil: at once.
    package var notBefore: Date?
    /// For an application's events: what an institution's systems are told about it (webhooks), whether or not the
    /// applicant left a number.
    package var application: ApplicationEventFacts?

    package init(
        subject: String, event: NoticeEvent, values: [String: String] = [:], key: String, notBefore: Date? = nil,
        application: ApplicationEventFacts? = nil
    ) {
        self.subject = subject
        self.event = event
        self.values = values
        self.key = key
        self.notBefore = notBefore
        self.application = application
    }
}

/// An application's change as other systems may learn it: no answer, no name, no number — the reference, the procedure,
/// the institution it is filed with (which decides where it goes), its status after the change and when it happened.
package struct ApplicationEventFacts: Sendable, Equatable {
    package var reference: String
    package var procedureId: String
    package var institutionId: String
    package var status: String
    /// UTC, ISO 8601 (the audit log's form).
    package var at: String

    package init(reference: String, procedureId: String, institutionId: String, status: String, at: String) {
        self.reference = reference
        self.procedureId = procedureId
        self.institutionId = institutionId
        self.status = status
        self.at = at
    }
}

/// The notifications outbox, seen from the features that announce things. Every call runs in the caller's transaction,
/// so a message exists exactly when the change it announces committed. Implemented by Channels, wired by the
/// composition root; features never call a gateway.
package protocol Notifier: Sendable {
    /// The person behind `subject` wants its messages at this number (as typed; the outbox normalises it with `country`
    /// as the default, and ignores numbers it cannot reach), in this language (`fr`, `en`, …).
    func subscribe(subject: String, phone: String, language: String, country: String?, on database: any Database) async throws
    /// Queues a message for the subject's subscriber, if it has one and has not sent STOP.
    func notify(_ notice: Notice, on database: any Database) async throws
    /// `subscribe`, then `notify` for the subscription just made: the outbox writes it and queues the message with what it
    /// wrote, rather than reading it back (both run in the one writer's transaction on SQLite).
    func subscribe(subject: String, phone: String, language: String, country: String?, thenNotify notice: Notice, on database: any Database)
        async throws
    /// Drops the subject's messages of these events not sent yet (a cancelled appointment's reminders).
    func withdraw(subject: String, events: [NoticeEvent], on database: any Database) async throws
    /// Ends a subject (a ticket served, an appointment checked in): nothing more is said about it and its number goes.
    func forget(subject: String, on database: any Database) async throws
    /// How many people ahead make "your turn is near" at this centre; nil when the centre switched it off.
    func nearThreshold(centre: String, on database: any Database) async throws -> Int?
}

extension Notifier {
    package func subscribe(subject: String, phone: String, language: String, country: String?, thenNotify notice: Notice, on database: any Database)
        async throws
    {
        try await subscribe(subject: subject, phone: phone, language: language, country: country, on: database)
        try await notify(notice, on: database)
    }
}

/// Several notifiers in one: each call goes to every one, in order, in the caller's transaction (the SMS outbox and the
/// institutions' webhooks). The "turn near" threshold is the first one's.
package struct Notifiers: Notifier {
    let all: [any Notifier]

    package init(_ all: [any Notifier]) {
        self.all = all
    }

    package func subscribe(subject: String, phone: String, language: String, country: String?, on database: any Database) async throws {
        for notifier in all { try await notifier.subscribe(subject: subject, phone: phone, language: language, country: country, on: database) }
    }

    package func notify(_ notice: Notice, on database: any Database) async throws {
        for notifier in all { try await notifier.notify(notice, on: database) }
    }

    package func subscribe(subject: String, phone: String, language: String, country: String?, thenNotify notice: Notice, on database: any Database)
        async throws
    {
        for notifier in all {
            try await notifier.subscribe(subject: subject, phone: phone, language: language, country: country, thenNotify: notice, on: database)
        }
    }

    package func withdraw(subject: String, events: [NoticeEvent], on database: any Database) async throws {
        for notifier in all { try await notifier.withdraw(subject: subject, events: events, on: database) }
    }

    package func forget(subject: String, on database: any Database) async throws {
        for notifier in all { try await notifier.forget(subject: subject, on: database) }
    }

    package func nearThreshold(centre: String, on database: any Database) async throws -> Int? {
        guard let first = all.first else { return nil }
        return try await first.nearThreshold(centre: centre, on: database)
    }
}

/// For a module built without channels (tests of one feature): nobody is told anything.
package struct NoNotifier: Notifier {
    package init() {}
    package func subscribe(subject: String, phone: String, language: String, country: String?, on database: any Database) async throws {}
    package func notify(_ notice: Notice, on database: any Database) async throws {}
    package func withdraw(subject: String, events: [NoticeEvent], on database: any Database) async throws {}
    package func forget(subject: String, on database: any Database) async throws {}
    package func nearThreshold(centre: String, on database: any Database) async throws -> Int? { nil }
}
