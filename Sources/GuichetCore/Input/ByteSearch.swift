// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Searching bytes for bytes: `memchr` to each place the sought run's first byte occurs, `memcmp` for the rest. Used on
/// text whose sought part is ASCII (a CSRF token in a rendered page, a multipart body's closing delimiter), where
/// comparing bytes is comparing characters and Foundation's character-wise search costs far more.
package enum ByteSearch {
    /// Where `needle` first occurs in `haystack` at or after `start`; nil when it does not, or when `needle` is empty.
    package static func firstIndex(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        guard let base = haystack.baseAddress, let sought = needle.baseAddress, let first = needle.first, start >= 0,
            haystack.count >= needle.count, start <= haystack.count - needle.count
        else { return nil }
        let last = haystack.count - needle.count
        var index = start
        while index <= last, let hit = memchr(base + index, Int32(first), last - index + 1) {
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + at, sought, needle.count) == 0 { return at }
            index = at + 1
        }
        return nil
    }

    /// Whether `text` holds `part`, byte for byte (an empty `part` is held by any text, as with `String.contains`).
    package static func contains(_ text: String, _ part: String) -> Bool {
        guard !part.isEmpty else { return true }
        var text = text
        var part = part
        return text.withUTF8 { haystack in part.withUTF8 { needle in firstIndex(of: needle, in: haystack) != nil } }
    }
}
