import Foundation
import GuichetCore
import Hummingbird

/// Booking a slot, the booking's page (cancel), and checking in at the kiosk with the booking code.
package struct AppointmentsController: Sendable {
    let database: DatabaseService
    let renderer: Renderer
    let pages: CentresPagesController

    let flood: FloodGuard

    package init(database: DatabaseService, renderer: Renderer, limits: PublicLimits = PublicLimits()) throws {
        self.database = database
        self.renderer = renderer
        self.pages = try CentresPagesController(database: database, renderer: renderer, limits: limits)
        self.flood = FloodGuard(database: database, limits: limits)
    }

    var directory: DirectoryRepository { DirectoryRepository(database: database.db) }
    var appointments: AppointmentService { AppointmentService(database: database) }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(CentresPaths.appointmentsPattern), use: form)
        router.post(RouterPath(CentresPaths.appointmentsPattern), use: book)
        router.get(RouterPath(CentresPaths.appointmentPattern), use: show)
        router.post(RouterPath(CentresPaths.appointmentCancelPattern), use: cancel)
        router.post(RouterPath(CentresPaths.checkInPattern), use: checkIn)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderForm(request, context, error: nil, status: .ok)
    }

    func renderForm(_ request: Request, _ context: AppRequestContext, error: String?, status: HTTPResponse.Status) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let centre = try await directory.requireCentre(try CentresView.id(context))
        let services = try await directory.services(centre.id)
        let chosen = (context.postForm["service"] ?? request.form["service"]).flatMap { id in services.first { $0.id == id } }
        let zone = centre.timeZone
        var days: [SlotDay] = []
        if let chosen {
            for slot in try await appointments.slots(centre: centre, service: chosen.id) {
                let day = CentreClock.day(slot.start, in: zone)
                let option = SlotOption(
                    value: CentreClock.stamp(slot.start), label: CentreClock.localTime(slot.start, in: zone) + (slot.isFull ? " · " + v.t("slot_full") : ""),
                    full: slot.isFull)
                if days.last?.day == day { days[days.count - 1].slots.append(option) } else { days.append(SlotDay(day: day, slots: [option])) }
            }
        }
        let page = AppointmentFormPage(
            name: centre.name.text(v.language), action: v.link(CentresPaths.appointments(centre.id)),
            services: services.map { service in
                ServiceLink(href: v.link(CentresPaths.appointments(centre.id)) + (v.langQuery.isEmpty ? "?" : "&") + "service=\(service.id)",
                    name: "\(service.letter) · \(service.name.text(v.language))", current: service.id == chosen?.id)
            },
            service: chosen.map { ServiceChoice(id: $0.id, name: $0.name.text(v.language), field: "", checked: true) }, days: days,
            hasSlots: !days.isEmpty, timezone: "\(centre.timezone) (\(CentreClock.offsetLabel(zone, at: Date())))", requestToken: UUID().uuidString.lowercased(),
            error: error, capacity: String(AppointmentService.capacity))
        return try renderer.page("centres-appointments", title: v.t("appointments_title"), page: page, request: request, context: context, status: status)
    }

    @Sendable func book(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let form = context.postForm
        _ = try await directory.requireCentre(try CentresView.id(context))
        try await flood.appointment(address: context.clientAddress)
        do {
            let appointment = try await appointments.book(
                centre: try CentresView.id(context), service: form["service"] ?? "", slot: form["slot"] ?? "",
                requestToken: CentresPagesController.token(form["request"]))
            return CentresPagesController.redirect(v.link(CentresPaths.appointment(appointment.code)))
        } catch let error as AppError where error.status == .unprocessableContent || error.code == "slot_full" {
            return try await renderForm(request, context, error: v.t("errors.\(error.code)"), status: error.status)
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        guard let appointment = try await appointments.appointment(code: try CentresView.id(context, "code")) else {
            throw AppError.notFound("appointment_not_found")
        }
        let centre = try await directory.requireCentre(appointment.centreId)
        let service = try await directory.service(appointment.serviceId)
        let start = CentreClock.parse(appointment.slotStart) ?? Date()
        let page = AppointmentPage(
            code: appointment.code, centre: centre.name.text(v.language), centreHref: v.link(CentresPaths.centre(centre.id)),
            service: service?.name.text(v.language) ?? "", day: CentreClock.day(start, in: centre.timeZone),
            time: CentreClock.localTime(start, in: centre.timeZone), status: v.t("appointment_status.\(appointment.status)"),
            booked: appointment.status == "booked", cancel: v.link(CentresPaths.appointmentCancel(appointment.code)))
        var response = try renderer.page("centres-appointment", title: v.t("appointment_title"), page: page, request: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let v = CentresView(context, renderer.localizer)
        let appointment = try await appointments.cancel(code: try CentresView.id(context, "code"))
        return CentresPagesController.redirect(v.link(CentresPaths.appointment(appointment.code)))
    }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let centreId = try CentresView.id(context)
        let code = (context.postForm["code"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let ticket: Ticket
        do {
            ticket = try await appointments.checkIn(centre: centreId, code: code)
        } catch let error as AppError where error.status == .unprocessableContent || error.status == .conflict {
            let v = CentresView(context, renderer.localizer)
            return try await pages.renderKiosk(request, context, error: v.t("errors.\(error.code)"), status: error.status)
        }
        return CentresPagesController.redirect(
            CentresPaths.ticket(ticket.code) + "?kiosk=1" + (context.languageInQuery ? "&lang=\(context.language.rawValue)" : ""))
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
}
