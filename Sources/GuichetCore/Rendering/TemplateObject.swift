// SPDX-License-Identifier: MPL-2.0

/// The named values of a template object. Each name is kept with its hash, worked out once where the name is known (a
/// tag's name when its template is parsed, a field's when its type's boxing plan is made): a look-up compares hashes
/// and, on a match, the names, and hashes nothing. A tag such as `{{t.apply}}` is looked for in every object of the
/// context stack from the innermost out; with `[String: TemplateValue]` each of those misses hashed the name again, and
/// building each object hashed every field's name: together a sixth of a procedure page's first render.
///
/// A few fields are searched in order; an object of more than `linearLimit` (a locale table) gets an index of slots.
/// A name given twice is read as its last value, as a dictionary's would be.
package struct TemplateObject: Sendable, ExpressibleByDictionaryLiteral {
    private var names: [String] = []
    private var hashes: [UInt64] = []
    private var values: [TemplateValue] = []
    /// Open addressing over `hashes`: each slot holds an entry's index plus one, 0 when empty; no slots for a small object.
    private var slots: [Int32] = []

    static let linearLimit = 12

    package init() {}

    package init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(pairs: elements)
    }

    package init(_ fields: [String: TemplateValue]) {
        self.init(pairs: fields.map { ($0.key, $0.value) })
    }

    init(pairs: [(String, TemplateValue)]) {
        var builder = Builder(capacity: pairs.count)
        for (name, value) in pairs { builder.append(name, hash: Self.hash(name), value) }
        self = builder.object
    }

    /// Collects fields whose hashes are known, then indexes them once (`object`).
    struct Builder {
        private var fields = TemplateObject()

        init(capacity: Int) {
            fields.names.reserveCapacity(capacity)
            fields.hashes.reserveCapacity(capacity)
            fields.values.reserveCapacity(capacity)
        }

        mutating func append(_ name: String, hash: UInt64, _ value: TemplateValue) {
            fields.names.append(name)
            fields.hashes.append(hash)
            fields.values.append(value)
        }

        var object: TemplateObject {
            var object = fields
            object.index()
            return object
        }
    }

    private mutating func index() {
        guard hashes.count > Self.linearLimit, hashes.count < Int(Int32.max) / 4 else { return }
        var size = 16
        while size < hashes.count * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        let mask = size - 1
        for entry in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while slots[slot] != 0 {
                let other = Int(slots[slot]) - 1
                if hashes[other] == hashes[entry], names[other] == names[entry] { break }
                slot = (slot + 1) & mask
            }
            slots[slot] = Int32(truncatingIfNeeded: entry + 1)
        }
    }

    package var isEmpty: Bool { values.isEmpty }

    /// The value named `name`, hashing it here (tests, and names not known in advance).
    package subscript(name: String) -> TemplateValue? { value(name, hash: Self.hash(name)) }

    /// The value named `name`, whose hash is `hash` (`TemplateObject.hash(name)`).
    func value(_ name: String, hash: UInt64) -> TemplateValue? {
        guard !slots.isEmpty else {
            var entry = hashes.count - 1
            while entry >= 0 {
                if hashes[entry] == hash, names[entry] == name { return values[entry] }
                entry -= 1
            }
            return nil
        }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let entry = Int(slots[slot]) - 1
            if hashes[entry] == hash, names[entry] == name { return values[entry] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// FNV-1a over the name's UTF-8 bytes.
    static func hash(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
