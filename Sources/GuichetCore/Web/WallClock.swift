// SPDX-License-Identifier: MPL-2.0
import Foundation

/// The time, injected where it matters (queues, appointments, opening hours, expiry) so that tests set it instead of
/// opening centres around the clock. `SystemClock` in production; `ManualClock` in tests.
package protocol WallClock: Sendable {
    var now: Date { get }
}

package struct SystemClock: WallClock {
    package init() {}
    package var now: Date { Date() }
}

/// A clock that stands still until told to move (tests).
package final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    package init(_ now: Date) { current = now }

    package var now: Date { lock.withLock { current } }

    package func set(_ date: Date) { lock.withLock { current = date } }

    package func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Real time shifted to start at a given instant, then running: a demo shown (or checked by a browser) at a time when
/// the centres are closed can be served as if it were during opening hours (`GUICHET_DEMO_CLOCK`, demo only).
package struct ShiftedClock: WallClock {
    let offset: TimeInterval

    package init(startingAt start: Date, realNow: Date = Date()) {
        offset = start.timeIntervalSince(realNow)
    }

    package var now: Date { Date() + offset }
}
