// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// Booking a slot, the booking's page (cancel), and checking in at the kiosk with the booking code.
struct AppointmentsController: Sendable {
    let renderer: Renderer
    let directory: DirectoryRepository
    let appointments: AppointmentService
    let flood: FloodGuard
    let tickets: TicketPagesController
    let clock: any WallClock

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CentresRoute.appointments, use: form)
        router.post(CentresRoute.appointments, use: book)
        router.get(CentresRoute.appointment, use: show)
        router.post(CentresRoute.appointmentCancel, use: cancel)
        router.post(CentresRoute.checkIn, use: checkIn)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centre = try await directory.requireCentre(try context.pathValue())
        return try await renderForm(request, context, centre: centre, error: nil, status: .ok)
    }

    func renderForm(_ request: Request, _ context: AppRequestContext, centre: Centre, error: String?, status: HTTPResponse.Status)
        async throws -> Response
    {
        let page = PageContext.centres(context, renderer)
        let now = clock.now
        let services = try await directory.services(centre.id)
        let chosen = (context.postForm["service"] ?? request.form["service"]).flatMap { id in services.first { $0.id == id } }
        let zone = centre.timeZone
        var days: [SlotDay] = []
        if let chosen {
            for slot in try await appointments.slots(centre: centre, service: chosen.id, now: now) {
                let day = CentreClock.day(slot.start, in: zone)
                let option = SlotOption(
                    value: CentreClock.stamp(slot.start),
                    label: CentreClock.localTime(slot.start, in: zone) + (slot.isFull ? " · " + page.t("slot_full") : ""), full: slot.isFull)
                if days.last?.day == day { days[days.count - 1].slots.append(option) } else { days.append(SlotDay(day: day, slots: [option])) }
            }
        }
        let model = AppointmentFormPage(
            name: centre.name.text(page.language), action: page.link(CentresRoute.appointments, centre.id),
            services: services.map { service in
                ServiceLink(
                    href: page.link(CentresRoute.appointments, centre.id, query: [("service", service.id)]),
                    name: "\(service.letter) · \(service.name.text(page.language))", current: service.id == chosen?.id)
            },
            service: chosen.map { ServiceChoice(id: $0.id, name: $0.name.text(page.language), field: "", checked: true) }, days: days,
            hasSlots: !days.isEmpty, timezone: "\(centre.timezone) (\(CentreClock.offsetLabel(zone, at: now)))",
            requestToken: CentresForms.newToken(),
            error: error, capacity: String(AppointmentRules.capacity))
        return try renderer.page(
            "centres-appointments", title: page.t("appointments_title"), page: model, request: request, context: context, status: status)
    }

    @Sendable func book(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let form = context.postForm
        let centre = try await directory.requireCentre(try context.pathValue())
        try await flood.appointment(address: context.clientAddress)
        do {
            let phone = (form["phone"] ?? "").trimmingCharacters(in: .whitespaces)
            let appointment = try await appointments.book(
                centre: centre, service: form["service"] ?? "", slot: form["slot"] ?? "", requestToken: CentresForms.token(form["request"]),
                contact: phone.isEmpty ? nil : .init(phone: phone, language: context.language.rawValue))
            return CentresForms.redirect(page.link(CentresRoute.appointment, appointment.code))
        } catch let error as AppError where error.status == .unprocessableContent || error.code == "slot_full" {
            return try await renderForm(request, context, centre: centre, error: page.t("errors.\(error.code)"), status: error.status)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        guard let appointment = try await appointments.appointment(code: try context.pathValue("code")) else {
            throw AppError.notFound("appointment_not_found")
        }
        let centre = try await directory.requireCentre(appointment.centreId)
        let service = try await directory.service(appointment.serviceId)
        let start = appointment.slotStart
        let model = AppointmentPage(
            code: appointment.code, centre: centre.name.text(page.language), centreHref: page.link(CentresRoute.centre, centre.id),
            service: service?.name.text(page.language) ?? "", day: CentreClock.day(start, in: centre.timeZone),
            time: CentreClock.localTime(start, in: centre.timeZone), status: page.t("appointment_status.\(appointment.status)"),
            booked: appointment.status == "booked", cancel: page.link(CentresRoute.appointmentCancel, appointment.code),
            checkInWindow: page.t(
                "check_in_window",
                [
                    "from": CentreClock.localTime(start.addingTimeInterval(-AppointmentRules.checkInEarly), in: centre.timeZone),
                    "until": CentreClock.localTime(start.addingTimeInterval(AppointmentRules.checkInLate), in: centre.timeZone),
                ]),
            checkInLabel: page.t("check_in_label"), checkInButton: page.t("check_in"))
        var response = try renderer.page("centres-appointment", title: page.t("appointment_title"), page: model, request: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let appointment = try await appointments.cancel(code: try context.pathValue("code"))
        return CentresForms.redirect(page.link(CentresRoute.appointment, appointment.code))
    }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try context.pathValue()
        let code = (context.postForm["code"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let page = PageContext.centres(context, renderer)
        let ticket: Ticket
        do {
            ticket = try await appointments.checkIn(centre: centreId, code: code)
        } catch let error as AppError where error.status == .unprocessableContent || error.status == .conflict {
            let centre = try await directory.requireCentre(centreId)
            return try await tickets.renderKiosk(request, context, centre: centre, error: page.t("errors.\(error.code)"), status: error.status)
        }
        return CentresForms.redirect(page.link(CentresRoute.ticket, ticket.code, query: [("kiosk", "1")]))
    }
}

struct ServiceLink {
    let href: String
    let name: String
    let current: Bool
}

struct SlotOption {
    let value: String
    let label: String
    let full: Bool
}

struct SlotDay {
    let day: String
    var slots: [SlotOption]
}

struct AppointmentFormPage {
    let name: String
    let action: String
    let services: [ServiceLink]
    let service: ServiceChoice?
    let days: [SlotDay]
    let hasSlots: Bool
    let timezone: String
    let requestToken: String
    let error: String?
    let capacity: String
}

struct AppointmentPage {
    let code: String
    let centre: String
    let centreHref: String
    let service: String
    let day: String
    let time: String
    let status: String
    let booked: Bool
    let cancel: String
    /// "between 09:00 and 10:45": when the kiosk takes the code.
    let checkInWindow: String
    /// The kiosk's own words, quoted in the steps.
    let checkInLabel: String
    let checkInButton: String
}
