// SPDX-License-Identifier: MPL-2.0
import Foundation

/// The text of an SMS as the network carries it: the GSM 03.38 alphabet (7 bits, 160 characters a message, 153 a part
/// when split) when every character is in it, else UCS-2 (70, or 67 a part). French mostly fits GSM-7 once the accents
/// it lacks are folded: é, è, à, ù and Ç are in the alphabet; ê, â, î, ô, û, ç, ë, ï are not.
package enum SMSText {
    package enum Encoding: String, Sendable {
        case gsm7, ucs2
    }

    /// The basic GSM 03.38 alphabet (one septet each).
    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// The extension table (two septets each: an escape, then the character).
    static let extended: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    /// Characters outside GSM-7 that have a faithful GSM-7 or ASCII stand-in.
    static let folds: [Character: String] = [
        "ê": "e", "ë": "e", "â": "a", "ä": "a", "î": "i", "ï": "i", "ô": "o", "û": "u", "ü": "u", "ç": "c", "ÿ": "y", "œ": "oe", "Œ": "OE",
        "À": "A", "Â": "A", "È": "E", "Ê": "E", "Ë": "E", "Î": "I", "Ï": "I", "Ô": "O", "Ù": "U", "Û": "U", "á": "a", "í": "i", "ó": "o",
        "ú": "u", "«": "\"", "»": "\"", "’": "'", "‘": "'", "“": "\"", "”": "\"", "–": "-", "—": "-", "…": "...", "\u{00A0}": " ",
        "\u{202F}": " ", "\u{2009}": " ",
    ]

    /// The text with what GSM-7 lacks folded to its nearest letter; characters with no stand-in are kept (the message
    /// then goes as UCS-2).
    package static func foldedForSMS(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if basic.contains(character) || extended.contains(character) {
                out.append(character)
            } else if let fold = folds[character] {
                out += fold
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Plain ASCII for USSD screens, where many networks garble anything else: accents dropped, quotes straightened.
    package static func foldedForUSSD(_ text: String) -> String {
        var out = ""
        for character in text {
            if character.isASCII {
                out.append(character)
            } else if let fold = folds[character] {
                out += fold
            } else {
                let stripped = String(character).folding(options: [.diacriticInsensitive], locale: nil)
                out += stripped.allSatisfy(\.isASCII) ? stripped : "?"
            }
        }
        return out
    }

    /// How the text goes: its encoding, its length in that encoding's units, and the number of messages it takes.
    package static func measure(_ text: String) -> (encoding: Encoding, units: Int, segments: Int) {
        var septets = 0
        var gsm = true
        for character in text {
            if basic.contains(character) {
                septets += 1
            } else if extended.contains(character) {
                septets += 2
            } else {
                gsm = false
                break
            }
        }
        if gsm { return (.gsm7, septets, septets <= 160 ? 1 : (septets + 152) / 153) }
        let units = text.utf16.count
        return (.ucs2, units, units <= 70 ? 1 : (units + 66) / 67)
    }
}
