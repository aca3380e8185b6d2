// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// What one device or address may ask of the centres' public forms (tickets at the kiosk or from afar, bookings,
/// tablet answers). Counted before the form is acted on, through the core's limiter, so parallel requests cannot pass.
/// Without a registered device, the device is the client's address.
package struct FloodGuard: Sendable {
    let limiter: AttemptLimiter
    let limits: PublicLimits
    let clock: any WallClock

    package init(database: DatabaseService, limits: PublicLimits, clock: any WallClock = SystemClock()) {
        self.limiter = AttemptLimiter(database)
        self.limits = limits
        self.clock = clock
    }

    static func device(_ address: String?) -> String { "address:\(address ?? "unknown")" }

    func admit(_ bucket: String, limit: Int, window: TimeInterval, now: Date? = nil) async throws {
        guard try await limiter.reserve([.init(bucket: bucket, limit: limit, window: window)], now: now ?? clock.now) != nil else {
            var error = AppError(.tooManyRequests, code: "too_many_requests")
            error.headers[.retryAfter] = String(window.clampedInt(.up))
            throw error
        }
    }

    package func kioskTicket(centre: String, address: String?) async throws {
        try await admit("kiosk:\(centre):\(Self.device(address))", limit: limits.kioskTicketsPerMinute, window: 60)
    }

    package func remoteTicket(address: String?) async throws {
        try await admit("remote:\(Self.device(address))", limit: limits.remoteTicketsPerHour, window: 3600)
    }

    package func appointment(address: String?) async throws {
        try await admit("appointment:\(Self.device(address))", limit: limits.appointmentsPerDay, window: 86_400)
    }

    package func tabletAnswer(centre: String, address: String?, at date: Date? = nil) async throws {
        try await admit("tablet:\(centre):\(Self.device(address))", limit: 1, window: TimeInterval(limits.feedbackIntervalSeconds), now: date)
    }
}
