// SPDX-License-Identifier: MPL-2.0
import Crypto
import Foundation
import GuichetCore

/// What an uploaded file really is, read from its first bytes, not from its name or the browser's word.
package enum FileInspector {
    package enum Kind: String, Sendable {
        case pdf, jpeg, png

        package var mediaType: String {
            switch self {
            case .pdf: return "application/pdf"
            case .jpeg: return "image/jpeg"
            case .png: return "image/png"
            }
        }
    }

    package static func sniff(_ bytes: [UInt8]) -> Kind? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }

    package static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hexLowercase
    }

    /// A file name safe to show and to send back in `Content-Disposition`: letters, digits, `.-_`, at most 80 characters.
    package static func safeName(_ name: String?, kind: Kind) -> String {
        let base = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let folded = base.folding(options: [.diacriticInsensitive], locale: nil)
        var cleaned = String(folded.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }.prefix(80))
        if cleaned.isEmpty || cleaned.hasPrefix(".") { cleaned = "document" + cleaned }
        return cleaned
    }
}
