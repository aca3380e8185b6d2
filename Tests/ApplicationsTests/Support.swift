// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging

@testable import Applications

/// The demo catalogue with the demo forms, and helpers that drive the apply flow as a browser would.
enum Apply {
    static let extract = "sn-extrait-acte-naissance"
    static let pdf = Array("%PDF-1.4\n% test\n%%EOF\n".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]

    static func withApp<T: Sendable>(
        logger: Logger = TestApp.logger, _ body: @Sendable (any TestClientProtocol, AppComponents) async throws -> T
    ) async throws -> T {
        try await TestApp.withClient(seed: .demo, logger: logger) { client, components in
            try await ApplicationsDemo.seedForms(service: components.applications)
            return try await body(client, components)
        }
    }

    static let answers: [String: [(String, String)]] = [
        "requester": [("requester", "self"), ("requester_name", "Awa Testdiop")],
        "record": [
            ("last_name", "TESTDIOP"), ("first_names", "Awa"), ("birth_date", "27/03/2019"), ("birth_place", "Dakar"), ("registry_centre", "Plateau"),
            ("mother_name", "Mariama Testfall"),
        ],
        "contact": [("phone", "+221 77 123 45 67"), ("copies", "1")],
    ]

    /// Starts an application in `browser` and returns its id (from the first page's address).
    static func start(_ browser: TestSession, procedure: String = extract, lang: String = "") async throws -> String {
        try await browser.get(ApplicationsRoute.apply.path(procedure) + lang)
        let response = try await browser.post(ApplicationsRoute.apply.path(procedure) + lang, form: [])
        precondition(response.status == .seeOther, "start failed: \(response.status)")
        let location = response.headers[.location] ?? ""
        return String(location.split(separator: "/")[1])
    }

    /// Fills every page with good answers and a PDF, then sends it; returns (reference, PIN).
    static func fileExtract(_ browser: TestSession) async throws -> (id: String, reference: String, pin: String) {
        let id = try await start(browser)
        for page in ["requester", "record", "contact"] {
            let response = try await browser.post(ApplicationsRoute.page.path(id, page), form: answers[page]!)
            precondition(response.status == .seeOther, "page \(page): \(response.status) \(response.text.prefix(300))")
        }
        let upload = try await browser.postMultipart(
            ApplicationsRoute.page.path(id, "documents"), fields: [], files: [("record_proof", "volet.pdf", pdf)])
        precondition(upload.status == .seeOther, "upload: \(upload.status) \(upload.text.components(separatedBy: "<main").last?.prefix(400) ?? "")")
        let declaration = try await browser.get(ApplicationsRoute.declaration.path(id))
        let token = value(of: "token", in: declaration.text) ?? ""
        let sent = try await browser.post(ApplicationsRoute.declaration.path(id), form: [("token", token), ("confirm", "yes")])
        precondition(sent.status == .seeOther, "submit: \(sent.status)")
        let confirmation = try await browser.get(ApplicationsRoute.confirmation.path(id)).text
        let codes = confirmation.components(separatedBy: "<strong class=\"big\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        return (id, codes[0], codes[1])
    }

    static func value(of name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
    }

    static func jsonBody(_ object: Any) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }
}
