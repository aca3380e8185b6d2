// SPDX-License-Identifier: MPL-2.0
import Foundation

/// The demo simulations' random numbers: SplitMix64, so that one seed gives the same history on every machine and
/// Swift version (the standard library's generator and `Hasher` are seeded per process).
package struct SimulationRandom: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    /// A generator of its own for one part of the simulation (a centre), whatever the other parts draw.
    package init(seed: UInt64, part: String) {
        self.init(seed: seed ^ Self.hash(part))
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    package mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    package mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// A whole number in `range`.
    package mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % width)
    }

    /// The index drawn from relative `weights` (all ≥ 0, not all 0).
    package mutating func pick(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var left = unit() * total
        for (index, weight) in weights.enumerated() {
            left -= weight
            if left < 0 { return index }
        }
        return max(0, weights.count - 1)
    }

    /// A version-4-shaped UUID, lowercase like the ones the queue writes.
    package mutating func uuid() -> String {
        let high = next()
        let low = next()
        let hex = String(format: "%016llx%016llx", high, low)
        let characters = Array(hex)
        func part(_ range: Range<Int>) -> String { String(characters[range]) }
        return "\(part(0..<8))-\(part(8..<12))-4\(part(13..<16))-a\(part(17..<20))-\(part(20..<32))"
    }

    package mutating func code(length: Int, alphabet: [Character]) -> String {
        String((0..<length).map { _ in alphabet[int(0...(alphabet.count - 1))] })
    }

    /// FNV-1a of the UTF-8 bytes: stable across runs, unlike `Hasher`.
    package static func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
