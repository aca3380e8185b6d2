// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// A command a person sends by SMS, in French or English, whatever the case, accents and spacing:
/// `SUIVI <référence> <pin>` / `TRACK`, `TICKET <centre> <service>`, `RANG <ticket>` / `POSITION`,
/// `AVIS <ticket> <1-4>` / `RATE`, `STOP`, `START`, `AIDE` / `HELP`.
package enum SMSCommand: Equatable, Sendable {
    case track(reference: String, pin: String)
    case ticket(centre: String, service: String)
    case position(code: String)
    case rate(code: String, rating: Int)
    case stop
    case start
    case help
    /// A known keyword with the wrong arguments: the help for that keyword is sent back.
    case usage(String)
    case unknown

    /// The language the keyword was written in (the answer is written in it).
    package static func language(of text: String) -> String {
        let first = words(text).first ?? ""
        return ["track", "position", "rate", "help", "queue", "status"].contains(first) ? "en" : "fr"
    }

    static func words(_ text: String) -> [String] {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        return folded.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" }).map(String.init)
    }

    package static func parse(_ text: String) -> SMSCommand {
        let parts = words(text)
        guard let keyword = parts.first else { return .help }
        let arguments = Array(parts.dropFirst())
        switch keyword {
        case "suivi", "suivre", "track", "status", "statut":
            // A reference is written with or without its dashes, and may be split by spaces: the PIN is the last word.
            guard arguments.count >= 2, let pin = arguments.last, pin.allSatisfy(\.isNumber) else { return .usage("track") }
            return .track(reference: arguments.dropLast().joined().uppercased(), pin: pin)
        case "ticket":
            guard arguments.count == 2 else { return .usage("ticket") }
            return .ticket(centre: arguments[0], service: arguments[1])
        case "rang", "position", "queue":
            guard arguments.count == 1 else { return .usage("position") }
            return .position(code: arguments[0].uppercased())
        case "avis", "rate", "note":
            guard arguments.count == 2, let rating = Int(arguments[1]), (1...4).contains(rating) else { return .usage("rate") }
            return .rate(code: arguments[0].uppercased(), rating: rating)
        case "stop", "arret", "arreter", "unsubscribe": return .stop
        case "start", "reprendre": return .start
        case "aide", "help", "?", "menu": return .help
        default: return .unknown
        }
    }
}
