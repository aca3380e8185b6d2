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
            for byte in bytes { extra &+= added(byte) }
            guard extra > 0 else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count &+ extra) { buffer in
                var index = 0
                func put(_ entity: StaticString) {
                    entity.withUTF8Buffer { entity in
                        for byte in entity {
                            buffer[index] = byte
                            index &+= 1
                        }
                    }
                }
                for byte in bytes {
                    switch byte {
                    case 0x3C: put("&lt;")
                    case 0x3E: put("&gt;")
                    case 0x26: put("&amp;")
                    case 0x22: put("&quot;")
                    case 0x27: put("&#39;")
                    default:
                        buffer[index] = byte
                        index &+= 1
                    }
                }
                return index
            }
        }
        output += escaped ?? text
    }

    /// The bytes the entity of `byte` adds to it (0 for a byte written as it is).
    @inline(__always)
    private static func added(_ byte: UInt8) -> Int {
        switch byte {
        case 0x3C, 0x3E: 3  // &lt; &gt;
        case 0x26, 0x27: 4  // &amp; &#39;
        case 0x22: 5  // &quot;
        default: 0
        }
    }
}
