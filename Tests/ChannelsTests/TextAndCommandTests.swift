// SPDX-License-Identifier: MPL-2.0
import Channels
import Foundation
import GuichetCore
import GuichetTesting
import Testing

@Suite struct PhoneNumberTests {
    @Test func numbersOfTheThreeCountriesAreWrittenInE164() {
        func parsed(_ raw: String, _ country: String?) -> String? {
            if case .success(let number) = PhoneNumber.parse(raw, defaultCountry: country) { return number.e164 }
            return nil
        }
        #expect(parsed("+221 77 123 45 67", nil) == "+221771234567")
        #expect(parsed("00221771234567", nil) == "+221771234567")
        #expect(parsed("221771234567", "TG") == "+221771234567")
        #expect(parsed("77 123 45 67", "SN") == "+221771234567")
        #expect(parsed("90 12 34 56", "TG") == "+22890123456")
        #expect(parsed("(+228) 90-12-34-56", nil) == "+22890123456")
        #expect(parsed("06 612 34 56", "CG") == "+242066123456")
        #expect(parsed("+242 06 612 34 56", nil) == "+242066123456")
        #expect(PhoneNumber.parse("+221771234567", defaultCountry: nil).map(\.country) == .success("SN"))
    }

    @Test func othersAreRefusedWithTheirReason() {
        #expect(PhoneNumber.parse("+33 6 12 34 56 78", defaultCountry: "SN") == .failure(.country))
        #expect(PhoneNumber.parse("+2217712345", defaultCountry: nil) == .failure(.country))
        #expect(PhoneNumber.parse("77 123 45", defaultCountry: "SN") == .failure(.malformed))
        #expect(PhoneNumber.parse("appelez-moi", defaultCountry: "SN") == .failure(.malformed))
        #expect(PhoneNumber.parse("771234567", defaultCountry: nil) == .failure(.country))
        #expect(PhoneNumber.parse(String(repeating: "1", count: 60), defaultCountry: "SN") == .failure(.malformed))
    }
}

@Suite struct SMSTextTests {
    @Test func frenchFoldsIntoGSM7() {
        let text = SMSText.foldedForSMS("Reçu : la fenêtre «où» est là, à côté de l'île. Élève, été.")
        #expect(text == "Recu : la fenetre \"où\" est là, à coté de l'ile. Élève, été.")
        #expect(SMSText.measure(text).encoding == .gsm7)
        #expect(SMSText.measure(String(repeating: "a", count: 160)) == (.gsm7, 160, 1))
        #expect(SMSText.measure(String(repeating: "a", count: 161)) == (.gsm7, 161, 2))
        #expect(SMSText.measure(String(repeating: "€", count: 80)).units == 160)
        #expect(SMSText.measure("Ответ").encoding == .ucs2)
        #expect(SMSText.measure(String(repeating: "я", count: 71)).segments == 2)
        #expect(SMSText.foldedForUSSD("Événements de vie : démarches à côté") == "Evenements de vie : demarches a cote")
    }

    /// Every message template, with values as long as real ones, fits one GSM-7 SMS in both languages; the outbox
    /// says so for each message it queues (`encoding`, `segments`), so a longer translation shows in the back office.
    @Test func everyTemplateFitsOneGSM7Message() throws {
        let scan = try LocaleKeyScan(target: "Channels")
        let values = [
            "reference": "SN-26-ABCD-EF", "code": "K7QF3MZ2", "label": "A123", "ahead": "12", "counter": "G12",
            "centre": "Espace Senegal Services de Guediawaye", "day": "2026-12-07", "time": "10:30",
        ]
        for language in Language.allCases {
            for event in NoticeEvent.allCases where event != .reply {
                let text = SMSText.foldedForSMS(scan.localizer.text("sms.\(event.rawValue)", language, values))
                let measure = SMSText.measure(text)
                #expect(!text.hasPrefix("sms."), "no template for \(event.rawValue) in \(language.rawValue)")
                #expect(measure.encoding == .gsm7, "\(language.rawValue) \(event.rawValue) needs Unicode: \(text)")
                #expect(measure.segments == 1, "\(language.rawValue) \(event.rawValue) takes \(measure.units) characters: \(text)")
            }
        }
    }
}

@Suite struct SMSCommandTests {
    @Test func keywordsInFrenchAndEnglishWhateverTheCaseAndSpacing() {
        #expect(SMSCommand.parse("suivi SN-26-abcd-ef 123456") == .track(reference: "SN-26-ABCD-EF", pin: "123456"))
        #expect(SMSCommand.parse("  Suivi   SN 26 ABCD EF   123456 ") == .track(reference: "SN26ABCDEF", pin: "123456"))
        #expect(SMSCommand.parse("TRACK SN-26-ABCD-EF 123456") == .track(reference: "SN-26-ABCD-EF", pin: "123456"))
        #expect(SMSCommand.parse("ticket Dakar a") == .ticket(centre: "dakar", service: "a"))
        #expect(SMSCommand.parse("Rang k7qf3mz2") == .position(code: "K7QF3MZ2"))
        #expect(SMSCommand.parse("AVIS K7QF3MZ2 4") == .rate(code: "K7QF3MZ2", rating: 4))
        #expect(SMSCommand.parse("rate K7QF3MZ2 5") == .usage("rate"))
        #expect(SMSCommand.parse("ARRÊT") == .stop)
        #expect(SMSCommand.parse("stop") == .stop)
        #expect(SMSCommand.parse("Aide") == .help)
        #expect(SMSCommand.parse("") == .help)
        #expect(SMSCommand.parse("bonjour") == .unknown)
        #expect(SMSCommand.parse("suivi SN-26-ABCD-EF") == .usage("track"))
        #expect(SMSCommand.language(of: "TRACK x 1") == "en")
        #expect(SMSCommand.language(of: "Suivi x 1") == "fr")
    }
}

@Suite struct ChannelsLocaleKeysTests {
    @Test func frenchAndEnglishHaveTheSameKeys() throws {
        let scan = try LocaleKeyScan(target: "Channels")
        let french = try scan.ownKeys(.fr)
        let english = try scan.ownKeys(.en)
        #expect(french.subtracting(english).isEmpty, "only in French: \(french.subtracting(english).sorted())")
        #expect(english.subtracting(french).isEmpty, "only in English: \(english.subtracting(french).sorted())")
        #expect(french.count > 100)
    }

    @Test func everyKeyTheTemplatesShowExists() throws {
        let scan = try LocaleKeyScan(target: "Channels")
        let asked = try scan.templateKeys()
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 20)
    }

    /// The keys the code builds (`t("ussd.…")`, `t("track.…")`) exist in both languages.
    @Test func everyKeyTheCodeAsksForExists() throws {
        let scan = try LocaleKeyScan(target: "Channels")
        var asked: [(file: String, key: String)] = []
        for file in try scan.files("swift") {
            var keys = file.text.matches(of: /\bt\("([a-z_.0-9]+)"/).map { "channels.ussd." + $0.1 }
            keys = file.name.hasSuffix("USSDMenu.swift") ? keys : []
            keys += file.text.matches(of: /actions\.t\("([a-z_.0-9]+)"/).map { "channels." + $0.1 }
            keys += file.text.matches(of: /page\.t\("([a-z_.0-9]+)"/).map { "channels." + $0.1 }
            keys += file.text.matches(of: /(?:notFound|code:)\(?\s*"([a-z_]+)"/).map { "errors." + $0.1 }
            asked += keys.map { (file.name, $0) }
        }
        let missing = scan.missing(asked)
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
        #expect(asked.count >= 30, "the scan found \(asked.count) keys")
    }
}
