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
