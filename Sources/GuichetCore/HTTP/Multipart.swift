// SPDX-License-Identifier: MPL-2.0
import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A `multipart/form-data` body (RFC 7578) read whole, only on the routes that take files (`UploadRoutes`), within
/// each route's limit.
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

    /// Parses a whole body with MultipartKit's parser; nil when it is not well-formed multipart (no parts, a part
    /// without a name, or no closing delimiter: a truncated upload is refused, never half-read).
    package init?(body: ByteBuffer, contentType: String) {
        guard let boundary = Self.boundary(contentType: contentType) else { return nil }
        let closing = Array("--\(boundary)--".utf8)
        let bytes = body.readableBytesView
        guard bytes.count >= closing.count, Self.find(closing, in: Array(bytes.suffix(closing.count + 512)), from: 0) != nil else {
            return nil
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var headers: [(String, String)] = []
        var data: [UInt8] = []
        var malformed = false
        parser.onHeader = { name, value in headers.append((name.lowercased(), value)) }
        parser.onBody = { buffer in data += buffer.readableBytesView }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0 == "content-disposition" }?.1 ?? ""
            let type = headers.first { $0.0 == "content-type" }?.1.trimmingCharacters(in: .whitespaces)
            if let name = Self.parameter("name", in: disposition) {
                parts.append(Part(name: name, filename: Self.parameter("filename", in: disposition), contentType: type, data: data))
            } else {
                malformed = true
            }
            headers = []
            data = []
        }
        do { try parser.execute(body) } catch { return nil }
        guard !malformed, !parts.isEmpty else { return nil }
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
        haystack.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in ByteSearch.firstIndex(of: needle, in: haystack, from: start) }
        }
    }
}
