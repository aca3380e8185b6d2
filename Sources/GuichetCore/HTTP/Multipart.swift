import Foundation
import Hummingbird
import NIOCore

/// A `multipart/form-data` body (RFC 7578) read whole: the CSRF middleware has already collected it within its limit.
package struct MultipartForm: Sendable {
    package struct Part: Sendable {
        package var name: String
        /// Set for a file part (possibly empty when the person chose no file).
        package var filename: String?
        package var contentType: String?
        package var data: [UInt8]
    }

    package var parts: [Part]

    /// The text fields, as a form query.
    package var fields: FormQuery {
        FormQuery(items: parts.filter { $0.filename == nil }.map { ($0.name, String(decoding: $0.data, as: UTF8.self)) })
    }

    package func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.filename != nil && !$0.data.isEmpty }
    }

    /// The boundary of a `multipart/form-data; boundary=…` content type.
    package static func boundary(contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.count > 200 ? nil : value
        }
        return nil
    }

    /// Parses a whole body; nil when it is not well-formed multipart.
    package init?(body: ByteBuffer, contentType: String) {
        guard let boundary = Self.boundary(contentType: contentType) else { return nil }
        let bytes = Array(body.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard var position = Self.find(delimiter, in: bytes, from: 0) else { return nil }
        var parts: [Part] = []
        while true {
            position += delimiter.count
            // "--" after the delimiter closes the body.
            if position + 1 < bytes.count, bytes[position] == 45, bytes[position + 1] == 45 { break }
            guard position + 1 < bytes.count, bytes[position] == 13, bytes[position + 1] == 10 else { return nil }
            position += 2
            guard let headerEnd = Self.find(crlf + crlf, in: bytes, from: position) else { return nil }
            let headerText = String(decoding: bytes[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = Self.find(crlf + delimiter, in: bytes, from: contentStart) else { return nil }
            var name: String?
            var filename: String?
            var type: String?
            for line in headerText.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = Self.parameter("name", in: line)
                    filename = Self.parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    type = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { return nil }
            parts.append(Part(name: name, filename: filename, contentType: type, data: Array(bytes[contentStart..<next])))
            position = next + 2
        }
        self.parts = parts
    }

    static func parameter(_ key: String, in line: String) -> String? {
        // `name="x"` but not the `name` inside `filename`.
        var searchStart = line.startIndex
        while let range = line.range(of: "\(key)=\"", range: searchStart..<line.endIndex) {
            let before = range.lowerBound == line.startIndex ? " " : line[line.index(before: range.lowerBound)]
            if before == " " || before == ";" {
                guard let end = line[range.upperBound...].firstIndex(of: "\"") else { return nil }
                return String(line[range.upperBound..<end])
            }
            searchStart = range.upperBound
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}
