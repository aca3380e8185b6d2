// SPDX-License-Identifier: MPL-2.0
import Applications
import Catalog
import Centres
import Foundation
import GuichetCore

/// What a basic phone can do, by USSD or by SMS: follow an application, take a remote ticket and see its place, look
/// at or cancel an appointment, rate a visit. Each answers with the text to show or send, in the person's language;
/// every rule (PIN tries, opening hours, one rating a visit) is the web's own, through the same services.
package struct ChannelActions: Sendable {
    let localizer: Localizer
    let tracking: Tracking
    let directory: DirectoryRepository
    let queue: QueueService
    let appointments: AppointmentService
    let feedback: FeedbackService
    let clock: any WallClock

    package init(
        localizer: Localizer, tracking: Tracking, directory: DirectoryRepository, queue: QueueService, appointments: AppointmentService,
        feedback: FeedbackService, clock: any WallClock
    ) {
        self.localizer = localizer
        self.tracking = tracking
        self.directory = directory
        self.queue = queue
        self.appointments = appointments
        self.feedback = feedback
        self.clock = clock
    }

    func t(_ key: String, _ language: String, _ values: [String: String] = [:]) -> String {
        localizer.text("channels.\(key)", Outbox.language(language), values)
    }

    /// An application's state from its reference and PIN. The tries count against the same limits as the web's, per
    /// reference and per number (`address` is the number's hash).
    func track(reference: String, pin: String, address: String, language: String) async -> String {
        do {
            let record = try await tracking.track(reference: reference, pin: pin, address: "phone:\(address)")
            var text = t(
                "track.status", language, ["reference": record.reference ?? reference, "status": t("status.\(record.status.rawValue)", language)])
            if record.status == .actionRequired { text += " " + t("track.action_required", language) }
            return text
        } catch let error as AppError where error.status == .tooManyRequests {
            return t("track.blocked", language)
        } catch {
            return t("track.not_found", language)
        }
    }

    /// A centre named by its id, by its id without the country prefix, or by the last part of it (`dakar`).
    func centre(named typed: String, country: String?) async throws -> Centre? {
        let name = typed.lowercased()
        let centres = try await directory.centres()
        if let exact = centres.first(where: { $0.id == name }) { return exact }
        let preferred = centres.filter { country == nil || $0.country == country }
        return preferred.first { $0.id.hasSuffix("-" + name) } ?? centres.first { $0.id.hasSuffix("-" + name) }
    }

    /// A remote ticket; `token` makes a repeated request (the same SMS or USSD screen twice) find the same ticket.
    func takeTicket(centre: Centre, serviceId: String, phone: PhoneNumber, language: String, token: String) async -> String {
        do {
            guard try await directory.isOpen(centre, at: clock.now) else { return t("ticket.closed", language) }
            var request = QueueService.IssueRequest(
                centreId: centre.id, serviceId: serviceId, channel: .remote, phone: phone.e164, requestToken: token, actor: "channel:remote")
            request.language = language
            let ticket = try await queue.issueOnce(request, in: centre).ticket
            let ahead = try await queue.position(of: ticket)
            return t("ticket.taken", language, ["label": ticket.label, "code": ticket.code, "ahead": String(ahead)])
        } catch let error as AppError {
            return t("ticket.refused", language, ["reason": localizer.text("errors.\(error.code)", Outbox.language(language))])
        } catch {
            return t("unavailable", language)
        }
    }

    /// A service of a centre named by its letter (`A`) or its id.
    func service(_ typed: String, of centre: Centre) async throws -> CentreService? {
        let services = try await directory.services(centre.id)
        return services.first { $0.letter.lowercased() == typed.lowercased() } ?? services.first { $0.id == typed }
    }

    /// A ticket's place in its queue, or what became of it.
    func position(code: String, language: String) async -> String {
        guard let ticket = try? await queue.ticket(code: code.uppercased()) else { return t("ticket.not_found", language) }
        switch ticket.ticketStatus {
        case .waiting:
            let ahead = (try? await queue.position(of: ticket)) ?? 0
            return t("ticket.position", language, ["label": ticket.label, "ahead": String(ahead)])
        case .called, .serving:
            return t("ticket.called_now", language, ["label": ticket.label])
        default:
            return t("ticket.over", language, ["label": ticket.label])
        }
    }

    /// A rating of 1 to 4 for a served ticket, once.
    func rate(code: String, rating: Int, language: String) async -> String {
        guard let ticket = try? await queue.ticket(code: code.uppercased()) else { return t("ticket.not_found", language) }
        do {
            try await feedback.answer(ticket: ticket, FeedbackAnswer(rating: rating))
            return t("rate.thanks", language)
        } catch let error as AppError {
            return t("rate.refused", language, ["reason": localizer.text("errors.\(error.code)", Outbox.language(language))])
        } catch {
            return t("unavailable", language)
        }
    }

    /// An appointment's day, time and place, or nil when no appointment has the code.
    func appointment(code: String, language: String) async -> (text: String, cancellable: Bool)? {
        guard let appointment = try? await appointments.appointment(code: code), let centre = try? await directory.centre(appointment.centreId)
        else { return nil }
        let values = [
            "code": appointment.code, "centre": centre.name.text(Outbox.language(language)),
            "day": CentreClock.day(appointment.slotStart, in: centre.timeZone),
            "time": CentreClock.localTime(appointment.slotStart, in: centre.timeZone),
            "status": t("appointment.status.\(appointment.status)", language),
        ]
        return (t("appointment.summary", language, values), appointment.status == "booked")
    }

    func cancelAppointment(code: String, language: String) async -> String {
        do {
            _ = try await appointments.cancel(code: code)
            return t("appointment.cancelled", language)
        } catch {
            return t("appointment.not_cancelled", language)
        }
    }
}
