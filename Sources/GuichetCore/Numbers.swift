// SPDX-License-Identifier: MPL-2.0
extension BinaryFloatingPoint {
    /// The value rounded by `rule`, as an `Int` clamped to `Int`'s range (0 for NaN). `Int(_:)` on a floating value traps
    /// on NaN, an infinity or a value out of range: this never does.
    package func clampedInt(_ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> Int {
        let rounded = self.rounded(rule)
        if let exact = Int(exactly: rounded) { return exact }
        if rounded.isNaN { return 0 }
        return rounded < 0 ? .min : .max
    }
}
