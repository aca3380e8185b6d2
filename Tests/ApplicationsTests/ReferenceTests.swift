// SPDX-License-Identifier: MPL-2.0
import Testing

@testable import Applications

@Suite struct ReferenceTests {
    @Test func everyReferenceValidatesAndHasTheAnnouncedShape() {
        for _ in 0..<2000 {
            let reference = ApplicationReference.make(country: "SN", year: 2026)
            #expect(reference.count == 13)
            #expect(reference.hasPrefix("SN-26-"))
            #expect(ApplicationReference.normalise(reference) == reference)
            // Typed in lower case, without dashes, with spaces: the same reference.
            let typed = reference.lowercased().replacingOccurrences(of: "-", with: " ")
            #expect(ApplicationReference.normalise(typed) == reference)
        }
    }

    /// Every single wrong character and every swap of two different neighbours is caught, exhaustively over many references.
    @Test func checkCharacterCatchesOneWrongOrSwappedCharacter() {
        let alphabet = ApplicationReference.alphabet
        for _ in 0..<300 {
            let reference = ApplicationReference.make(country: "TG", year: 2026)
            let compact = Array(reference.filter { $0 != "-" })
            // Positions 4…9 are the random part and the check character.
            for position in 4..<10 {
                for replacement in alphabet where replacement != compact[position] {
                    var wrong = compact
                    wrong[position] = replacement
                    #expect(ApplicationReference.normalise(String(wrong)) == nil, "\(String(wrong)) passed for \(reference)")
                }
            }
            for position in 4..<9 where compact[position] != compact[position + 1] {
                var swapped = compact
                swapped.swapAt(position, position + 1)
                #expect(ApplicationReference.normalise(String(swapped)) == nil, "\(String(swapped)) passed for \(reference)")
            }
        }
    }

    @Test func lookalikesAndOtherShapesAreRefused() {
        #expect(ApplicationReference.normalise("SN-26-0OIL-1U") == nil)
        #expect(ApplicationReference.normalise("SN-26-7H3K") == nil)
        #expect(ApplicationReference.normalise("") == nil)
        #expect(ApplicationReference.normalise("12-AB-7H3K-9Q") == nil)
    }
}
