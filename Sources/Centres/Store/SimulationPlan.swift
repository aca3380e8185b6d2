// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// A centre as the simulation needs it: its hours, closures, services and counters.
struct SimulatedCentre: Sendable {
    var centre: Centre
    var hours: [OpeningSpan]
    var closedDays: Set<String>
    var services: [CentreService]
    var counters: [Counter]
}

/// Made-up activity of the demo's centres, computed before anything is written: the same seed and the same `now` give
/// the same rows. Each open day of each centre gets 20 to 60 visitors (more on Mondays, fewer on Fridays), arriving
/// inside its opening hours along a day's curve (a morning peak, a lunch dip, a smaller afternoon bump), served in rank
/// order by the centre's counters (each agent taking a lunch break), with some people gone when called, some answers
/// to the satisfaction question (worse after a long wait) and, on past days, appointments (most checked in, some
/// cancelled or missed). Only what is over by `now` is kept: nobody is left waiting in a queue.
struct CentresSimulationPlan: Sendable {
    struct TicketRow: Sendable, Equatable {
        var id: String
        var code: String
        var centreId: String
        var serviceId: String
        var day: String
        var number: Int
        var label: String
        var priority: Priority
        var channel: Channel
        var status: TicketStatus
        var issuedAt: Date
        var rankAt: Date
        var calledAt: Date
        var startedAt: Date?
        var finishedAt: Date
        var counterId: String
        var agent: String
        var recalls: Int
    }

    struct FeedbackRow: Sendable, Equatable {
        var id: String
        var centreId: String
        var serviceId: String?
        var ticketId: String?
        var rating: Int
        var reason: String?
        var source: FeedbackService.Source
        var createdAt: Date
    }

    struct AppointmentRow: Sendable, Equatable {
        var id: String
        var code: String
        var centreId: String
        var serviceId: String
        var slotStart: Date
        var status: String
        var ticketId: String?
        var createdAt: Date
    }

    var centres: [String] = []
    var tickets: [TicketRow] = []
    var feedback: [FeedbackRow] = []
    var appointments: [AppointmentRow] = []
    /// The last number given today per service, so that the queue goes on after the simulated tickets.
    var queueDays: [(serviceId: String, day: String, last: Int)] = []

    var counts: CentresSimulation.Counts {
        CentresSimulation.Counts(
            centres: centres.count, tickets: tickets.count, served: tickets.filter { $0.status == .done }.count,
            noShows: tickets.filter { $0.status == .noShow }.count, feedback: feedback.count, appointments: appointments.count)
    }

    init() {}

    init(centres: [SimulatedCentre], now: Date, days: Int, seed: UInt64) {
        for centre in centres where !centre.services.isEmpty && !centre.hours.isEmpty {
            var random = SimulationRandom(seed: seed, part: centre.centre.id)
            self.centres.append(centre.centre.id)
            simulate(centre, now: now, days: days, random: &random)
        }
    }

    /// One visitor before the queue serves them.
    struct Arrival {
        var service: Int
        var issuedAt: TimeInterval
        var priority: Priority
        var channel: Channel
        var appointment: Int?
    }

    mutating func simulate(_ centre: SimulatedCentre, now: Date, days: Int, random: inout SimulationRandom) {
        let zone = centre.centre.timeZone
        let calendar = CentreClock.calendar(zone)
        let today = calendar.startOfDay(for: now)
        let dailyMean = Double(20 + Int(SimulationRandom.hash(centre.centre.id) % 41))
        let serviceMinutes = centre.services.map { 5 + Double(SimulationRandom.hash($0.id) % 8) }
        let serviceWeights = centre.services.indices.map { 1 / (1 + 0.6 * Double($0)) }
        for offset in stride(from: max(0, days - 1), through: 0, by: -1) {
            guard let start = calendar.date(byAdding: .day, value: -offset, to: today) else { continue }
            let day = CentreClock.day(start, in: zone)
            let weekday = CentreClock.weekday(start, in: zone)
            let spans = centre.hours.filter { $0.weekday == weekday && $0.closes > $0.opens }.sorted { $0.opens < $1.opens }
            guard !spans.isEmpty, !centre.closedDays.contains(day) else { continue }
            let midnight = start.timeIntervalSince1970
            let factor = [1.2, 1.05, 1.0, 0.95, 0.8, 0.7, 0.5][max(0, min(6, weekday - 1))]
            let visitors = max(0, (dailyMean * factor * (0.85 + 0.3 * random.unit())).rounded().clampedInt())
            var arrivals: [Arrival] = []
            for _ in 0..<visitors {
                guard let minute = Self.arrivalMinute(spans, random: &random) else { continue }
                let roll = random.unit()
                let priority: Priority = roll < 0.04 ? .elderly : roll < 0.06 ? .disability : roll < 0.08 ? .pregnancy : .none
                let channelRoll = random.unit()
                let channel: Channel = channelRoll < 0.12 ? .remote : channelRoll < 0.22 ? .reception : .kiosk
                arrivals.append(
                    Arrival(
                        service: random.pick(serviceWeights), issuedAt: midnight + Double(minute * 60 + random.int(0...59)), priority: priority,
                        channel: channel))
            }
            if offset > 0 { addAppointments(centre, spans: spans, midnight: midnight, arrivals: &arrivals, random: &random) }
            arrivals.sort { $0.issuedAt < $1.issuedAt }
            serve(centre, day: day, midnight: midnight, spans: spans, arrivals: arrivals, serviceMinutes: serviceMinutes, now: now, random: &random)
            addTabletAnswers(centre, spans: spans, midnight: midnight, now: now, random: &random)
        }
    }

    /// A minute of the opening spans (never in the last 20 minutes before closing), drawn along the day's curve.
    static func arrivalMinute(_ spans: [OpeningSpan], random: inout SimulationRandom) -> Int? {
        let ranges = spans.map { $0.opens..<max($0.opens + 1, $0.closes - 20) }
        let total = ranges.map(\.count).reduce(0, +)
        guard total > 0 else { return nil }
        for _ in 0..<200 {
            var index = random.int(0...(total - 1))
            for range in ranges {
                if index < range.count {
                    let minute = range.lowerBound + index
                    if random.unit() * 1.4 < intensity(minute) { return minute }
                    break
                }
                index -= range.count
            }
        }
        return ranges.first?.lowerBound
    }

    /// How busy a local minute of the day is: a peak around 10:00, a dip over lunch, a smaller bump around 15:00.
    static func intensity(_ minute: Int) -> Double {
        let m = Double(minute)
        let curve = 0.3 + exp(-pow((m - 600) / 80, 2)) + 0.5 * exp(-pow((m - 900) / 75, 2))
        return (750..<840).contains(minute) ? curve * 0.45 : curve
    }

    mutating func addAppointments(
        _ centre: SimulatedCentre, spans: [OpeningSpan], midnight: TimeInterval, arrivals: inout [Arrival], random: inout SimulationRandom
    ) {
        for _ in 0..<random.int(0...3) {
            let span = spans[random.int(0...(spans.count - 1))]
            let slots = (span.closes - span.opens) / AppointmentRules.slotMinutes
            guard slots > 0 else { continue }
            let slotMinute = span.opens + AppointmentRules.slotMinutes * random.int(0...(slots - 1))
            let slotStart = midnight + Double(slotMinute * 60)
            let service = random.int(0...(centre.services.count - 1))
            let roll = random.unit()
            let status = roll < 0.72 ? "checked_in" : roll < 0.84 ? "cancelled" : "booked"
            let booked = slotStart - Double(random.int(1...6) * 86_400 + random.int(0...36_000))
            appointments.append(
                AppointmentRow(
                    id: random.uuid(), code: random.code(length: 8, alphabet: QueueRules.codeAlphabet), centreId: centre.centre.id,
                    serviceId: centre.services[service].id, slotStart: Date(timeIntervalSince1970: slotStart), status: status, ticketId: nil,
                    createdAt: Date(timeIntervalSince1970: booked)))
            guard status == "checked_in" else { continue }
            let arrived = max(midnight + Double(span.opens * 60), slotStart - Double(random.int(0...900)))
            arrivals.append(
                Arrival(service: service, issuedAt: arrived, priority: .appointment, channel: .kiosk, appointment: appointments.count - 1))
        }
    }

    /// The day's queue: every counter opens a few minutes after opening, takes the best-ranked waiting ticket when free,
    /// and takes 45 minutes for lunch (staggered, so that the counters are never all away).
    mutating func serve(
        _ centre: SimulatedCentre, day: String, midnight: TimeInterval, spans: [OpeningSpan], arrivals: [Arrival], serviceMinutes: [Double],
        now: Date, random: inout SimulationRandom
    ) {
        guard let opens = spans.first?.opens else { return }
        let counters =
            centre.counters.isEmpty
            ? [Counter(id: "\(centre.centre.id).1", centreId: centre.centre.id, label: "1", isOpen: false, agent: nil, serviceIds: [])]
            : centre.counters
        var free = counters.indices.map { _ in midnight + Double(opens * 60 + random.int(2...10) * 60) }
        let breaks: [Range<TimeInterval>?] = counters.indices.map { index in
            guard counters.count > 1 else { return nil }
            let start = midnight + Double((12 * 60 + 15 + 30 * (index % 3)) * 60)
            return start..<(start + 45 * 60)
        }
        var numbers: [String: Int] = [:]
        var issued: [(arrival: Arrival, number: Int, rank: TimeInterval)] = []
        for arrival in arrivals {
            let service = centre.services[arrival.service]
            let number = (numbers[service.id] ?? 0) + 1
            numbers[service.id] = number
            let rank = QueueRules.rank(issuedAt: Date(timeIntervalSince1970: arrival.issuedAt), priority: arrival.priority).timeIntervalSince1970
            issued.append((arrival, number, rank))
        }
        var waiting: [Int] = []
        var next = 0
        var last: [String: Int] = [:]
        let limit = now.timeIntervalSince1970
        while next < issued.count || !waiting.isEmpty {
            guard let counter = free.indices.min(by: { free[$0] < free[$1] }) else { return }
            let time = free[counter]
            if let pause = breaks[counter], pause.contains(time) {
                free[counter] = pause.upperBound
                continue
            }
            while next < issued.count, issued[next].arrival.issuedAt <= time {
                waiting.append(next)
                next += 1
            }
            guard
                let chosen = waiting.indices.min(by: {
                    (issued[waiting[$0]].rank, issued[waiting[$0]].arrival.issuedAt) < (
                        issued[waiting[$1]].rank, issued[waiting[$1]].arrival.issuedAt
                    )
                })
            else {
                free[counter] = issued[next].arrival.issuedAt
                continue
            }
            let item = issued[waiting.remove(at: chosen)]
            let service = centre.services[item.arrival.service]
            let called = time + Double(random.int(5...40))
            let noShow = item.arrival.priority != .appointment && random.chance(0.06)
            let recalls = noShow ? 1 : (random.chance(0.08) ? 1 : 0)
            let started = noShow ? nil : called + Double(random.int(30...120))
            let mean = serviceMinutes[item.arrival.service]
            let length = mean * 60 * (0.6 + 0.8 * random.unit()) + (random.chance(0.05) ? mean * 60 : 0)
            let finished = started.map { $0 + length } ?? called + Double(random.int(120...240))
            free[counter] = finished + Double(random.int(10...60))
            guard finished <= limit else { continue }
            let id = random.uuid()
            let ticket = TicketRow(
                id: id, code: random.code(length: 8, alphabet: QueueRules.codeAlphabet), centreId: centre.centre.id, serviceId: service.id,
                day: day, number: item.number, label: QueueRules.label(letter: service.letter, number: item.number), priority: item.arrival.priority,
                channel: item.arrival.channel, status: noShow ? .noShow : .done, issuedAt: Date(timeIntervalSince1970: item.arrival.issuedAt),
                rankAt: Date(timeIntervalSince1970: item.rank), calledAt: Date(timeIntervalSince1970: called),
                startedAt: started.map { Date(timeIntervalSince1970: $0) }, finishedAt: Date(timeIntervalSince1970: finished),
                counterId: counters[counter].id, agent: "system:demo:\(counters[counter].label)", recalls: recalls)
            tickets.append(ticket)
            last[service.id] = max(last[service.id] ?? 0, item.number)
            if let appointment = item.arrival.appointment, appointments.indices.contains(appointment) { appointments[appointment].ticketId = id }
            if !noShow { addAnswer(to: ticket, waitMinutes: (called - item.arrival.issuedAt) / 60, now: limit, random: &random) }
        }
        if CentreClock.day(now, in: centre.centre.timeZone) == day {
            queueDays += last.sorted { $0.key < $1.key }.map { (serviceId: $0.key, day: day, last: $0.value) }
        }
    }

    /// About a third of the people served answer; after a long wait, fewer are satisfied.
    mutating func addAnswer(to ticket: TicketRow, waitMinutes: Double, now: TimeInterval, random: inout SimulationRandom) {
        guard random.chance(0.35) else { return }
        let weights = waitMinutes <= 15 ? [0.03, 0.07, 0.35, 0.55] : waitMinutes <= 30 ? [0.08, 0.17, 0.45, 0.30] : [0.2, 0.3, 0.35, 0.15]
        let rating = random.pick(weights) + 1
        let created = ticket.finishedAt.timeIntervalSince1970 + Double(random.int(30...600))
        guard created <= now else { return }
        let reason: String? =
            rating <= 2 ? (waitMinutes > 20 ? "waiting_time" : FeedbackAnswer.reasons[random.int(0...(FeedbackAnswer.reasons.count - 1))]) : nil
        feedback.append(
            FeedbackRow(
                id: random.uuid(), centreId: ticket.centreId, serviceId: ticket.serviceId, ticketId: ticket.id, rating: rating, reason: reason,
                source: .ticket, createdAt: Date(timeIntervalSince1970: created)))
    }

    /// A few answers at the centre's tablet, which name no service.
    mutating func addTabletAnswers(
        _ centre: SimulatedCentre, spans: [OpeningSpan], midnight: TimeInterval, now: Date, random: inout SimulationRandom
    ) {
        for _ in 0..<random.int(0...2) {
            guard let minute = Self.arrivalMinute(spans, random: &random) else { continue }
            let created = midnight + Double((minute + 20) * 60 + random.int(0...59))
            let rating = random.pick([0.06, 0.12, 0.42, 0.40]) + 1
            guard created <= now.timeIntervalSince1970 else { continue }
            feedback.append(
                FeedbackRow(
                    id: random.uuid(), centreId: centre.centre.id, serviceId: nil, ticketId: nil, rating: rating, reason: nil, source: .tablet,
                    createdAt: Date(timeIntervalSince1970: created)))
        }
    }
}
