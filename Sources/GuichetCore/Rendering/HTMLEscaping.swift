// SPDX-License-Identifier: MPL-2.0

/// HTML escaping of a template's variables (`< > & " '`), done on UTF-8 bytes: most texts have nothing to escape and
/// are copied as they are.
enum HTMLEscaping {
    static func escape(_ text: String) -> String {
        var output = ""
        append(text, to: &output)
        return output
    }

    /// Appends `text` to `output`, escaped. This runs for every variable of every page rendered, and French texts are
    /// full of apostrophes: the bytes are read in place (a native string's storage), once to count what the entities
    /// add, and the escaped text is then written straight into a string of that length, not byte by byte into an array.
    static func append(_ text: String, to output: inout String) {
        var text = text
        let escaped: String? = text.withUTF8 { bytes in
            var extra = 0
            for byte in bytes { extra &+= entity(byte).map { $0.utf8CodeUnitCount &- 1 } ?? 0 }
            guard extra > 0 else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count &+ extra) { buffer in
                var index = 0
                for byte in bytes {
                    guard let entity = entity(byte) else {
                        buffer[index] = byte
                        index &+= 1
                        continue
                    }
                    entity.withUTF8Buffer { entity in
                        for byte in entity {
                            buffer[index] = byte
                            index &+= 1
                        }
                    }
                }
                return index
            }
        }
        output += escaped ?? text
    }

    /// The entity written for `byte`, nil for a byte written as it is: the one table both the count and the writing read.
    @inline(__always)
    private static func entity(_ byte: UInt8) -> StaticString? {
        switch byte {
        case 0x3C: "&lt;"
        case 0x3E: "&gt;"
        case 0x26: "&amp;"
        case 0x22: "&quot;"
        case 0x27: "&#39;"
        default: nil
        }
    }
}
