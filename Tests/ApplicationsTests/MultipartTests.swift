// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import NIOCore
import Testing

@Suite struct MultipartTests {
    @Test func partsAndFilesAreRead() throws {
        // Boundaries are case-sensitive (RFC 2046): this one has capitals.
        let boundary = "----Guichet-Test-\(UUID().uuidString)"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n")
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.pdf\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(Array("%PDF-1.4\r\n--not-the-boundary\r\n".utf8))
        body.writeString("\r\n--\(boundary)--\r\n")
        let form = try #require(MultipartForm(body: body, contentType: "multipart/form-data; boundary=\(boundary)"))
        #expect(form.fields["_csrf"] == "abc")
        #expect(form.file("f")?.filename == "a.pdf")
        #expect(form.file("f")?.data == Array("%PDF-1.4\r\n--not-the-boundary\r\n".utf8))
        #expect(MultipartForm(body: ByteBuffer(string: "garbage"), contentType: "multipart/form-data; boundary=x") == nil)
    }
}
