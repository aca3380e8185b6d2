// SPDX-License-Identifier: MPL-2.0

private let hexDigits = Array("0123456789abcdef".utf8)

extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits a byte, without `String(format:)` for each byte (which costs a formatter each
    /// time: session lookups, idempotency keys, PIN and phone digests and the audit chain hash on every request).
    package var hexLowercase: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
