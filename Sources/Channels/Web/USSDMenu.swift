// SPDX-License-Identifier: MPL-2.0
import Catalog
import Centres
import Foundation
import GuichetCore

/// Where a USSD session is: a stack of screens (the top one is shown), and the language chosen on the first.
struct USSDState: Codable, Equatable {
    var language: String?
    var stack: [USSDScreen] = [.language]

    var top: USSDScreen { stack.last ?? .home }
}

/// The screens of the menu. Lists carry their page; screens that wait for a typed value say what they already know.
enum USSDScreen: Codable, Equatable {
    case language
    case home
    case trackReference
    case trackPin(reference: String)
    case events(page: Int)
    case procedures(event: String, page: Int)
    case procedure(id: String)
    case procedureText(id: String, part: String, page: Int)
    case centres(page: Int)
    case services(centre: String, page: Int)
    case positionCode
    case appointmentCode
    case appointment(code: String)
    case rateCode
    case rateValue(code: String)
}

/// A screen to show: `CON` keeps the session open for an answer, `END` closes it.
struct USSDReply: Equatable {
    var text: String
    var end: Bool

    var wire: String { (end ? "END " : "CON ") + text }
}

/// The USSD menu (Africa's Talking's callback convention: each request carries every input of the session joined by
/// `*`; the menu applies only those it has not seen, so a repeated request shows the same screen again). Screens stay
/// within 182 characters, in plain ASCII; "0" goes back, "00" home, "9" to the next page of a list.
struct USSDMenu: Sendable {
    let actions: ChannelActions
    let catalog: CatalogRepository
    static let limit = 182

    struct Caller: Sendable {
        let phone: PhoneNumber
        let hash: String
        let session: String
    }

    func t(_ key: String, _ state: USSDState, _ values: [String: String] = [:]) -> String {
        actions.t("ussd.\(key)", state.language ?? "fr", values)
    }

    /// Applies one input to the state; the reply when the input ends the session or shows a computed screen.
    func apply(_ input: String, to state: inout USSDState, caller: Caller) async throws -> USSDReply? {
        if input == "00" {
            state.stack = state.language == nil ? [.language] : [.home]
            return nil
        }
        if input == "0" {
            if state.stack.count > 1 { state.stack.removeLast() }
            return nil
        }
        let language = state.language ?? "fr"
        switch state.top {
        case .language:
            guard let choice = ["1": "fr", "2": "en"][input] else { return nil }
            state.language = choice
            state.stack = [.home]
        case .home:
            let next: [String: USSDScreen] = [
                "1": .trackReference, "2": .events(page: 0), "3": .centres(page: 0), "4": .positionCode, "5": .appointmentCode, "6": .rateCode,
            ]
            if let screen = next[input] { state.stack.append(screen) }
        case .trackReference:
            state.stack.append(.trackPin(reference: String(input.prefix(40))))
        case .trackPin(let reference):
            return USSDReply(text: await actions.track(reference: reference, pin: input, address: caller.hash, language: language), end: true)
        case .events(let page):
            let events = try await lifeEvents(country: caller.phone.country)
            if input == "9" {
                replaceTop(&state, .events(page: page + 1))
            } else if let chosen = pick(input, from: events.map(\.id), page: page, perPage: Self.perPage) {
                state.stack.append(.procedures(event: chosen, page: 0))
            }
        case .procedures(let event, let page):
            let procedures = try await procedures(event: event, country: caller.phone.country)
            if input == "9" {
                replaceTop(&state, .procedures(event: event, page: page + 1))
            } else if let chosen = pick(input, from: procedures.map(\.id), page: page, perPage: Self.perPage) {
                state.stack.append(.procedure(id: chosen))
            }
        case .procedure(let id):
            if let part = ["1": "documents", "2": "cost", "3": "time", "4": "where"][input] {
                state.stack.append(.procedureText(id: id, part: part, page: 0))
            }
        case .procedureText(let id, let part, let page):
            if input == "9" { replaceTop(&state, .procedureText(id: id, part: part, page: page + 1)) }
        case .centres(let page):
            let centres = try await actions.directory.centres(country: caller.phone.country).filter(\.isOpenStatus)
            if input == "9" {
                replaceTop(&state, .centres(page: page + 1))
            } else if let chosen = pick(input, from: centres.map(\.id), page: page, perPage: Self.perPage) {
                state.stack.append(.services(centre: chosen, page: 0))
            }
        case .services(let centreId, let page):
            let services = try await actions.directory.services(centreId)
            if input == "9" {
                replaceTop(&state, .services(centre: centreId, page: page + 1))
            } else if let chosen = pick(input, from: services.map(\.id), page: page, perPage: Self.perPage),
                let centre = try await actions.directory.centre(centreId)
            {
                let text = await actions.takeTicket(
                    centre: centre, serviceId: chosen, phone: caller.phone, language: language, token: "ussd:\(caller.session):\(chosen)")
                return USSDReply(text: text, end: true)
            }
        case .positionCode:
            return USSDReply(text: await actions.position(code: input, language: language), end: true)
        case .appointmentCode:
            if await actions.appointment(code: input, language: language) != nil {
                state.stack.append(.appointment(code: input.uppercased()))
            } else {
                return USSDReply(text: actions.t("appointment.not_found", language), end: true)
            }
        case .appointment(let code):
            if input == "1" { return USSDReply(text: await actions.cancelAppointment(code: code, language: language), end: true) }
        case .rateCode:
            state.stack.append(.rateValue(code: String(input.prefix(20)).uppercased()))
        case .rateValue(let code):
            guard let rating = Int(input), (1...4).contains(rating) else { return nil }
            return USSDReply(text: await actions.rate(code: code, rating: rating, language: language), end: true)
        }
        return nil
    }

    static let perPage = 5

    func replaceTop(_ state: inout USSDState, _ screen: USSDScreen) {
        if !state.stack.isEmpty { state.stack.removeLast() }
        state.stack.append(screen)
    }

    /// The item a number names on this page of a list (1 to `perPage`).
    func pick(_ input: String, from ids: [String], page: Int, perPage: Int) -> String? {
        guard let number = Int(input), (1...perPage).contains(number) else { return nil }
        let index = page * perPage + number - 1
        return ids.indices.contains(index) ? ids[index] : nil
    }

    // MARK: - Screens

    func render(_ state: USSDState, caller: Caller) async throws -> USSDReply {
        let language = Language(rawValue: state.language ?? "fr") ?? .fr
        switch state.top {
        case .language:
            return con(t("language", state))
        case .home:
            return con(t("home", state))
        case .trackReference:
            return con(t("track_reference", state))
        case .trackPin:
            return con(t("track_pin", state))
        case .events(let page):
            let events = try await lifeEvents(country: caller.phone.country)
            return con(list(t("events_title", state), events.map { $0.name.text(for: language.rawValue).text }, page: page, state: state))
        case .procedures(let event, let page):
            let items = try await procedures(event: event, country: caller.phone.country)
            if items.isEmpty { return con(t("no_procedures", state)) }
            return con(list(t("procedures_title", state), items.map { $0.title.text(for: language.rawValue).text }, page: page, state: state))
        case .procedure(let id):
            let title = try await catalog.procedures(ids: [id]).first?.title.text(for: language.rawValue).text ?? id
            return con(fit(title, then: t("procedure_menu", state)))
        case .procedureText(let id, let part, let page):
            let text = try await procedureText(id: id, part: part, language: language, state: state)
            return con(pageOf(text, page: page, state: state))
        case .centres(let page):
            let centres = try await actions.directory.centres(country: caller.phone.country).filter(\.isOpenStatus)
            return con(list(t("centres_title", state), centres.map { $0.name.text(language) }, page: page, state: state))
        case .services(let centreId, let page):
            guard let centre = try await actions.directory.centre(centreId) else { return con(t("home", state)) }
            let services = try await actions.directory.services(centreId)
            let open = try await actions.directory.isOpen(centre, at: actions.clock.now)
            let title = open ? t("services_title", state) : t("services_closed", state)
            return con(list(title, services.map { "\($0.letter) \($0.name.text(language))" }, page: page, state: state))
        case .positionCode, .rateCode:
            return con(t("ticket_code", state))
        case .appointmentCode:
            return con(t("appointment_code", state))
        case .appointment(let code):
            let summary = await actions.appointment(code: code, language: state.language ?? "fr")
            guard let summary else { return USSDReply(text: SMSText.foldedForUSSD(t("home", state)), end: false) }
            return con(fit(summary.text, then: summary.cancellable ? t("appointment_menu", state) : t("back", state)))
        case .rateValue:
            return con(t("rate_scale", state))
        }
    }

    func con(_ text: String) -> USSDReply {
        USSDReply(text: Self.clip(SMSText.foldedForUSSD(text)), end: false)
    }

    /// Text clipped to the screen (the `CON ` prefix counts).
    static func clip(_ text: String) -> String {
        let room = limit - 4
        guard text.count > room else { return text }
        return String(text.prefix(room - 3)) + "..."
    }

    /// A title and as many numbered lines of this page as fit, with "9 Suite" when more follow and "0 Retour".
    func list(_ title: String, _ items: [String], page: Int, state: USSDState) -> String {
        let start = page * Self.perPage
        guard start < items.count else { return title + "\n" + t("nav", state) }
        let more = start + Self.perPage < items.count
        let footer = (more ? t("more", state) + "\n" : "") + t("nav", state)
        var lines: [String] = []
        var budget = Self.limit - 4 - SMSText.foldedForUSSD(title).count - 1 - SMSText.foldedForUSSD(footer).count - 1
        let slice = items[start..<min(items.count, start + Self.perPage)]
        let share = max(12, budget / max(1, slice.count) - 3)
        for (offset, item) in slice.enumerated() {
            var name = SMSText.foldedForUSSD(item)
            if name.count > share { name = String(name.prefix(share - 1)) + "." }
            let line = "\(offset + 1) \(name)"
            guard line.count + 1 <= budget else { break }
            budget -= line.count + 1
            lines.append(line)
        }
        return ([title] + lines + [footer]).joined(separator: "\n")
    }

    func fit(_ text: String, then menu: String) -> String {
        let room = Self.limit - 4 - SMSText.foldedForUSSD(menu).count - 1
        var head = SMSText.foldedForUSSD(text)
        if head.count > room { head = String(head.prefix(room - 3)) + "..." }
        return head + "\n" + menu
    }

    /// A long text cut into screens, each with "9 Suite" while more follows.
    func pageOf(_ text: String, page: Int, state: USSDState) -> String {
        let folded = SMSText.foldedForUSSD(text)
        let nav = t("nav", state)
        let more = t("more", state)
        let room = Self.limit - 4 - nav.count - more.count - 2
        let characters = Array(folded)
        let start = page * room
        guard start < characters.count else { return nav }
        let end = min(characters.count, start + room)
        return String(characters[start..<end]) + "\n" + (end < characters.count ? more + "\n" : "") + nav
    }

    // MARK: - Catalogue

    /// The life events that have procedures of the caller's country.
    func lifeEvents(country: String?) async throws -> [Category] {
        let categories = try await catalog.categories()
        var kept: [Category] = []
        for category in categories {
            let page = try await catalog.procedureIds(.init(country: country, category: category.id), limit: 1, offset: 0)
            if page.total > 0 { kept.append(category) }
        }
        return kept
    }

    func procedures(event: String, country: String?) async throws -> [Procedure] {
        try await catalog.procedures(.init(country: country, category: event), limit: 60, offset: 0).items
    }

    func procedureText(id: String, part: String, language: Language, state: USSDState) async throws -> String {
        guard let procedure = try await catalog.procedures(ids: [id]).first else { return t("no_procedures", state) }
        let code = language.rawValue
        let totals = ProcedureTotals(procedure: procedure)
        switch part {
        case "documents":
            var seen = Set<String>()
            let names = procedure.blocks.flatMap(\.steps).flatMap { $0.requirements ?? [] }.map { $0.name.text(for: code).text }
                .filter { seen.insert($0.lowercased()).inserted }
            return names.isEmpty ? t("no_documents", state) : names.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
        case "cost":
            if totals.isFree { return t("free", state) }
            let ranges = totals.costs.map { range in
                let low = Int(exactly: range.min.rounded()) ?? 0
                let high = Int(exactly: range.max.rounded()) ?? 0
                return low == high ? "\(low) \(range.currency)" : "\(low)-\(high) \(range.currency)"
            }
            if ranges.isEmpty { return t("cost_unknown", state) }
            let text = ranges.joined(separator: ", ")
            return totals.costIncomplete ? text + " " + t("cost_incomplete", state) : text
        case "time":
            guard let days = totals.days else { return t("time_unknown", state) }
            return days.min == days.max
                ? t("days", state, ["days": String(days.max)]) : t("days_range", state, ["min": String(days.min), "max": String(days.max)])
        default:
            let services = try await actions.directory.services(offering: id)
            var names: [String] = []
            for service in services {
                if let centre = try await actions.directory.centre(service.centreId) {
                    names.append("\(centre.name.text(language)) (\(service.letter))")
                }
            }
            return names.isEmpty ? t("nowhere", state) : names.joined(separator: "; ")
        }
    }
}
