// SPDX-License-Identifier: MPL-2.0

/// Random identifiers for new rows (applications, tickets, messages…).
package enum RandomID {
    /// A version-4 UUID in lower case (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`), as `UUID().uuidString.lowercased()` wrote
    /// it. Its 122 random bits come from the standard library's system generator (the `getrandom` system call), not from
    /// Foundation's `UUID()`: on Linux that opens, reads and closes `/dev/urandom` for every identifier, three system
    /// calls of which the open walks a path (about 1 % of a submission's CPU, and every ticket and message pays it too).
    package static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for _ in 0..<2 {
            let word = generator.next() as UInt64
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // the variant of RFC 9562
        return [bytes[0..<4], bytes[4..<6], bytes[6..<8], bytes[8..<10], bytes[10..<16]].map(\.hexLowercase).joined(separator: "-")
    }
}
