// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// Estimated waits. For a person with `k` people ahead in a service served by `c` open counters:
/// `k × s / c`, where `s` is the mean service time (start → finish) of the service's last 30 finished tickets of the
/// last 14 days (6 minutes while fewer than 5 are known). With no counter open for the service, the estimate is the
/// mean wait (issue → call) of the tickets called in the last 2 hours, or unknown when there are none.
package enum WaitRules {
    package static let defaultServiceMinutes = 6.0
    package static let sampleSize = 30
    package static let minimumSamples = 5
    /// How far back service times count, and calls count when no counter is open.
    package static let serviceWindow: TimeInterval = 14 * 86_400
    package static let recentCallWindow: TimeInterval = 2 * 3600

    /// `k × s / c`, rounded up to the minute.
    package static func combine(ahead: Int, serviceMinutes: Double, counters: Int) -> Int {
        (Double(ahead) * serviceMinutes / Double(max(counters, 1))).clampedInt(.up)
    }

    /// Minutes from start to end of each span that has both, in order (an end before its start is left out).
    package static func minutes(_ spans: [(start: Date?, end: Date?)]) -> [Double] {
        spans.compactMap { span in
            guard let start = span.start, let end = span.end, end >= start else { return nil }
            return end.timeIntervalSince(start) / 60
        }
    }

    /// The mean service minutes given the measured ones, with how many there are.
    package static func serviceMinutes(_ measured: [Double]) -> (minutes: Double, samples: Int) {
        guard measured.count >= minimumSamples else { return (defaultServiceMinutes, measured.count) }
        return (measured.reduce(0, +) / Double(measured.count), measured.count)
    }

    /// Open counters per service of a centre.
    package static func openCounters(_ counters: [Counter]) -> [String: Int] {
        var result: [String: Int] = [:]
        for counter in counters where counter.isOpen {
            for service in counter.serviceIds { result[service, default: 0] += 1 }
        }
        return result
    }
}
