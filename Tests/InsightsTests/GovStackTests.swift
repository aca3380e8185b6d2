// SPDX-License-Identifier: MPL-2.0
import Applications
import Audit
import Catalog
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import Insights

/// The GovStack Registration building block's public operations: every answer validates against the response schema of
/// the same operation in the shared specification (`../shared/govstack/*.json`, read here, never copied), and writes no
/// key the specification does not declare.
@Suite struct GovStackTests {
    static let prefix = "/api/govstack/v1"
    static let demo: @Sendable (inout AppConfiguration) -> Void = {
        $0.demo = true
        $0.servicePublicDirectory = nil
    }

    /// The specification beside the project (`../shared/govstack/`).
    static func specification(_ name: String) throws -> [String: Any] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.deletingLastPathComponent().appendingPathComponent("shared/govstack/\(name)")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file))
        return try #require(object as? [String: Any])
    }

    /// The 200 answer's schema of `GET path` in the specification.
    static func responseSchema(_ spec: [String: Any], path: String, method: String = "get") throws -> [String: Any] {
        let operation = try #require(((spec["paths"] as? [String: Any])?[path] as? [String: Any])?[method] as? [String: Any])
        let ok = try #require((operation["responses"] as? [String: Any])?["200"] as? [String: Any])
        let content = try #require(ok["content"] as? [String: Any])
        let media = try #require((content["application/json"] ?? content["*/*"]) as? [String: Any])
        return try #require(media["schema"] as? [String: Any])
    }

    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (status: Int, body: Any?) {
        try await client.execute(uri: uri, method: .get) { response in
            (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(buffer: response.body)))
        }
    }

    @Test func servicesFormsAndStatisticsValidateAgainstTheSpecification() async throws {
        try await TestApp.withClient(configure: Self.demo) { client, components in
            let registration = try Self.specification("registration-bb-openapi.json")
            let statisticsSpec = try Self.specification("registration-bb-statistics-openapi.json")
            let services = try await get(client, Self.prefix + "/services")
            #expect(services.status == 200)
            #expect(SchemaCheck(registration).problems(services.body, try Self.responseSchema(registration, path: "/services")) == [])
            let list = try #require(services.body as? [[String: Any]])
            let extract = try #require(
                list.first { ($0["serviceBody"] as? [[String: String]])?.contains { $0["value"] == "sn-extrait-acte-naissance" } == true })
            let serviceId = try #require(extract["id"] as? String)
            #expect(serviceId == GovStackController.serviceId("sn-extrait-acte-naissance"))
            // Every service is a published procedure with a form.
            #expect(list.count == (try await ElectronicFormsSourceCount.count(components)))

            let named = try await get(client, Self.prefix + "/services?name=acte%20de%20naissance")
            #expect((named.body as? [[String: Any]])?.contains { $0["id"] as? String == serviceId } == true)
            // 200 code points at most, as the OpenAPI document counts them: one letter with 250 combining marks is too long.
            let marks = "o" + String(repeating: "%CC%81", count: 250)
            #expect(try await get(client, Self.prefix + "/services?name=" + marks).status == 400)

            let one = try await get(client, Self.prefix + "/services/\(serviceId)")
            #expect(one.status == 200)
            #expect(SchemaCheck(registration).problems(one.body, try Self.responseSchema(registration, path: "/services/{serviceId}")) == [])

            let forms = try await get(client, Self.prefix + "/services/\(serviceId)/eForms")
            #expect(SchemaCheck(registration).problems(forms.body, try Self.responseSchema(registration, path: "/services/{serviceId}/eForms")) == [])
            let latest = try #require((forms.body as? [[String: Any]])?.last)
            #expect(latest["latest"] as? Bool == true)
            let formId = try #require(latest["eFormId"] as? String)

            let form = try await get(client, Self.prefix + "/eForms/\(formId)")
            #expect(form.status == 200)
            #expect(SchemaCheck(registration).problems(form.body, try Self.responseSchema(registration, path: "/eForms/{eFormId}")) == [])
            let schema = try #require((form.body as? [String: Any])?["schema"] as? [String: Any])
            let properties = try #require(schema["properties"] as? [String: Any])
            let required = try #require(schema["required"] as? [String])
            #expect(!required.isEmpty && Set(required).isSubset(of: Set(properties.keys)))

            // Statistics by month over 90 days: each month's processed is what the table holds, approved + rejected = processed.
            let end = Timestamps.day(Date())
            let start = Timestamps.day(Date().addingTimeInterval(-89 * 86_400))
            let statistics = try await get(client, Self.prefix + "/data/statistics?startDate=\(start)&endDate=\(end)&timeframe=month")
            #expect(statistics.status == 200)
            #expect(SchemaCheck(statisticsSpec).problems(statistics.body, try Self.responseSchema(statisticsSpec, path: "/data/statistics")) == [])
            let items = try #require(statistics.body as? [[String: Any]])
            #expect(items.count >= 3 && items.count <= 4)
            var total = 0
            for item in items {
                let references = try #require(item["references"] as? [String: Any])
                #expect(references["timeframeMonth"] as? Bool == true && references["timeframeDay"] as? Bool == false)
                let from = try #require(references["startDate"] as? String)
                let to = try #require(references["endDate"] as? String)
                let counted = try await Self.decided(components.database.sql, from: from, through: to)
                let processed = item["processed"] as? Int
                #expect(processed == (counted >= 5 ? counted : nil), "\(from)…\(to)")
                if let processed, let approved = item["approved"] as? Int {
                    #expect(approved + (item["rejected"] as? Int ?? 0) <= processed && approved * 2 > processed)
                }
                total += counted
            }
            #expect(total > 50)
            let whole = try await get(
                client, Self.prefix + "/data/statistics?startDate=\(start)&endDate=\(end)&registrationName=sn-extrait-acte-naissance")
            #expect((whole.body as? [[String: Any]])?.count == 1)
            #expect(((whole.body as? [[String: Any]])?.first?["processed"] as? Int ?? 0) > 5)
        }
    }

    /// Decisions from `from` to `through` (UTC days, both included), counted straight from the table.
    static func decided(_ sql: any SQLDatabase, from: String, through: String) async throws -> Int {
        let rows = try await sql.raw("SELECT decided_at FROM applications WHERE decided_at IS NOT NULL").all()
        return try rows.filter { row in
            let day = Timestamps.parse(try row.decode(column: "decided_at", as: String.self)).map(Timestamps.day) ?? ""
            return day >= from && day <= through
        }.count
    }

    /// The operator's reads: a back-office token of the institution sees its files and open tasks (answers only in one
    /// file or task, each reading audited), nothing of another institution's; no token, no answer.
    @Test func operatorsReadTheirInstitutionsFilesAndTasks() async throws {
        try await TestApp.withClient(configure: Self.demo) { client, components in
            let registration = try Self.specification("registration-bb-openapi.json")
            let check = SchemaCheck(registration)
            for path in ["/applications", "/tasks", "/applications/x", "/tasks/x"] {
                let answer = try await get(client, Self.prefix + path)
                #expect(answer.status == 401 && (answer.body as? [String: Any])?["error"] != nil, "\(path)")
            }
            let institution = "sn-centre-etat-civil"
            let (_, token) = try await components.accounts.createToken(
                name: "govstack", role: .backOfficeAgent, institution: institution, origin: .init(actor: "test"))
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            func read(_ uri: String) async throws -> (status: Int, body: Any?) {
                try await client.execute(uri: Self.prefix + uri, method: .get, headers: auth) { response in
                    (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(buffer: response.body)))
                }
            }
            let sql = components.database.sql
            let ours = Set(
                try await sql.raw("SELECT id FROM applications WHERE institution_id = \(bind: institution) AND status <> 'draft'")
                    .all(decodingColumn: "id", as: String.self))
            let files = try await read("/applications?maxResult=7&firstResult=2")
            #expect(files.status == 200)
            #expect(check.problems(files.body, try Self.responseSchema(registration, path: "/applications")) == [])
            let list = try #require(files.body as? [[String: Any]])
            #expect(list.count == 7 && list.allSatisfy { ours.contains($0["fileId"] as? String ?? "") })
            let fileId = try #require(list.first?["fileId"] as? String)
            let file = try await read("/applications/\(fileId)")
            #expect(file.status == 200)
            let fileProblems = check.problems(file.body, try Self.responseSchema(registration, path: "/applications/{fileId}"))
            #expect(fileProblems == [], "\(fileProblems)")
            let data =
                ((((file.body as? [String: Any])?["applicationData"] as? [String: Any])?["formData"] as? [String: Any])?["data"]) as? [String: Any]
            #expect((data?.count ?? 0) > 2)
            try await AuditLog.chainPending(on: components.database.db)
            let audited = try await sql.raw(
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'application.opened' AND entity_id = \(bind: fileId)"
            )
            .first()?.decode(column: "n", as: Int.self)
            #expect(audited == 1)

            let tasks = try await read("/tasks?maxResult=100")
            #expect(check.problems(tasks.body, try Self.responseSchema(registration, path: "/tasks")) == [])
            let open = Set(
                try await sql.raw(
                    "SELECT id FROM applications WHERE institution_id = \(bind: institution) AND status IN ('submitted', 'in_review')"
                ).all(decodingColumn: "id", as: String.self))
            let taskList = try #require(tasks.body as? [[String: Any]])
            let taskIds = Set(taskList.compactMap { $0["taskId"] as? String })
            #expect(!taskIds.isEmpty && taskIds.isSubset(of: open))
            #expect(taskList.count == min(open.count, 100))
            let taskId = try #require(taskList.first?["taskId"] as? String)
            let task = try await read("/tasks/\(taskId)")
            #expect(check.problems(task.body, try Self.responseSchema(registration, path: "/tasks/{taskId}")) == [])

            // Another institution's file is not found; bad paging is refused.
            let other = try #require(
                try await sql.raw("SELECT id FROM applications WHERE institution_id <> \(bind: institution) AND status <> 'draft' LIMIT 1")
                    .first()?.decode(column: "id", as: String.self))
            #expect(try await read("/applications/\(other)").status == 404)
            #expect(try await read("/tasks/\(fileId)x").status == 404)
            for query in ["maxResult=0", "maxResult=101", "firstResult=-1", "sortOrder=desc", "sortBy=priority"] {
                #expect(try await read("/applications?\(query)").status == 400, "\(query)")
            }
        }
    }

    /// Completing a task decides the application with the back office's rules: approve (its document issued), reject
    /// with a reason, send back with the fields to correct; a task no longer open, or another institution's, is not found.
    @Test func operatorsCompleteTasks() async throws {
        try await TestApp.withClient(configure: Self.demo) { client, components in
            let registration = try Self.specification("registration-bb-openapi.json")
            let institution = "sn-centre-etat-civil"
            let (_, token) = try await components.accounts.createToken(
                name: "govstack", role: .backOfficeAgent, institution: institution, origin: .init(actor: "test"))
            func complete(_ id: String, _ data: [String: String]) async throws -> (status: Int, body: Any?) {
                let body = try JSONSerialization.data(withJSONObject: ["data": data.mapValues { ["value": $0] }])
                return try await client.execute(
                    uri: Self.prefix + "/tasks/\(id)/complete", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(bytes: body)
                ) { response in (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) }
            }
            let sql = components.database.sql
            let open = try await sql.raw(
                "SELECT id FROM applications WHERE institution_id = \(bind: institution) AND status IN ('submitted', 'in_review') ORDER BY id LIMIT 3"
            ).all(decodingColumn: "id", as: String.self)
            #expect(open.count == 3)
            func status(_ id: String) async throws -> String? {
                try await sql.raw("SELECT status FROM applications WHERE id = \(bind: id)").first()?.decode(column: "status", as: String.self)
            }
            #expect(try await complete(open[0], ["decision": "MAYBE"]).status == 422)
            #expect(try await complete(open[0], ["decision": "REJECTED"]).status == 422)
            #expect(try await complete(open[0], ["decision": "SENDBACK", "note": "Pièce illisible"]).status == 422)

            let approved = try await complete(open[0], ["decision": "APPROVED"])
            #expect(approved.status == 200)
            let schema = try Self.responseSchema(registration, path: "/tasks/{taskId}/complete", method: "post")
            #expect(SchemaCheck(registration).problems(approved.body, schema) == [])
            #expect(((approved.body as? [String: Any])?["status"] as? [String: Any])?["code"] as? String == "APPROVED")
            #expect(try await status(open[0]) == "document_issued")

            let rejected = try await complete(open[1], ["decision": "REJECTED", "note": "Pièces non conformes"])
            let rejectedStatus = try await status(open[1])
            #expect(rejected.status == 200 && rejectedStatus == "rejected", "\(rejected.status) \(String(describing: rejected.body))")
            // A field of that application's own form (the three are whichever the demo's ids sort first, of several procedures).
            let answers = try #require(
                try await sql.raw("SELECT answers FROM applications WHERE id = \(bind: open[2])").first()?.decode(column: "answers", as: String.self))
            let field = try #require((try JSONSerialization.jsonObject(with: Data(answers.utf8)) as? [String: Any])?.keys.sorted().first)
            let sentBack = try await complete(open[2], ["decision": "SENDBACK", "note": "Champ à corriger", "fields": field])
            let sentBackStatus = try await status(open[2])
            #expect(sentBack.status == 200 && sentBackStatus == "action_required", "\(sentBack.status) \(String(describing: sentBack.body))")
            #expect(((sentBack.body as? [String: Any])?["status"] as? [String: Any])?["code"] as? String == "SENDBACK")

            // Done: no longer a task. Another institution's: not found. Each decision is in the audit log by the token.
            #expect(try await complete(open[0], ["decision": "APPROVED"]).status == 404)
            let other = try #require(
                try await sql.raw(
                    "SELECT id FROM applications WHERE institution_id <> \(bind: institution) AND status IN ('submitted', 'in_review') LIMIT 1"
                ).first()?.decode(column: "id", as: String.self))
            #expect(try await complete(other, ["decision": "APPROVED"]).status == 404)
            try await AuditLog.chainPending(on: components.database.db)
            let audited = try await sql.raw(
                "SELECT COUNT(*) AS n FROM audit_events WHERE actor LIKE 'token:%' AND entity_id IN (\(binds: open))"
            ).first()?.decode(column: "n", as: Int.self)
            #expect((audited ?? 0) >= 3)
        }
    }

    /// Filing through the GovStack API: the answers checked against the current form, submitted at once, the answer
    /// valid against the specification; the same request again is the same application; wrong answers are a 422.
    @Test func applicantsFileApplications() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            try await ApplicationsDemo.seedForms(service: components.applications)
            let registration = try Self.specification("registration-bb-openapi.json")
            // A form without a required document (GovStackDocumentsTests files one with a document).
            let serviceId = GovStackController.serviceId("tg-copie-acte-etat-civil")
            let forms = try await get(client, Self.prefix + "/services/\(serviceId)/eForms")
            let formId = try #require((forms.body as? [[String: Any]])?.last?["eFormId"] as? String)
            let form = try await get(client, Self.prefix + "/eForms/\(formId)")
            let schema = try #require((form.body as? [String: Any])?["schema"] as? [String: Any])
            let required = try #require(schema["required"] as? [String])
            let properties = try #require(schema["properties"] as? [String: [String: Any]])
            // An answer to each required field, as the schema describes it.
            var data: [String: Any] = [:]
            for key in required {
                let property = properties[key] ?? [:]
                let value: String
                if let choices = property["enum"] as? [String], let first = choices.first {
                    value = first
                } else if property["format"] as? String == "date" {
                    value = "1990-05-17"
                } else if property["x-guichet-kind"] as? String == "phone" {
                    value = "+221771234567"
                } else if property["x-guichet-kind"] as? String == "email" {
                    value = "awa@example.org"
                } else if property["x-guichet-kind"] as? String == "national_id" {
                    value = "1234567890123"
                } else if property["x-guichet-kind"] as? String == "number" {
                    value = "1"
                } else {
                    value = "GOVSTACK"
                }
                data[key] = ["value": value]
            }
            func post(_ body: [String: Any], headers extra: HTTPFields = [:]) async throws -> (status: Int, body: Any?) {
                var headers: HTTPFields = [.contentType: "application/json"]
                for field in extra { headers.append(field) }
                return try await client.execute(
                    uri: Self.prefix + "/services/\(serviceId)/applications", method: .post, headers: headers,
                    body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
                ) { response in (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) }
            }
            let body: [String: Any] = ["applicantId": "citizen-42", "formData": ["eFormId": formId, "data": data]]
            let filed = try await post(body)
            #expect(filed.status == 200, "\(String(describing: filed.body))")
            let problems = SchemaCheck(registration).problems(
                filed.body, try Self.responseSchema(registration, path: "/services/{serviceId}/applications", method: "post"))
            #expect(problems == [], "\(problems)")
            let file = try #require(filed.body as? [String: Any])
            #expect((file["status"] as? [String: Any])?["code"] as? String == "PENDING")
            #expect(file["applicantId"] as? String == "citizen-42")
            let fileId = try #require(file["fileId"] as? String)
            let sql = components.database.sql
            let row = try #require(try await sql.raw("SELECT status, channel, answers FROM applications WHERE id = \(bind: fileId)").first())
            #expect(try row.decode(column: "status", as: String.self) == "submitted" && (try row.decode(column: "channel", as: String.self)) == "api")
            #expect(try row.decode(column: "answers", as: String.self).contains("GOVSTACK"))
            // The same request again: the same application, nothing more.
            let again = try await post(body)
            #expect((again.body as? [String: Any])?["fileId"] as? String == fileId)
            let count = try await sql.raw("SELECT COUNT(*) AS n FROM applications WHERE procedure_id = 'tg-copie-acte-etat-civil'").first()?
                .decode(column: "n", as: Int.self)
            #expect(count == 1)
            // Missing answers, another form, a document address that is none, no applicant: 422; an unknown service: 404.
            let missing = try await post(["applicantId": "citizen-42", "formData": ["data": [String: Any]()]])
            #expect(missing.status == 422 && (missing.body as? [String: Any])?["error"] != nil)
            #expect(try await post(["applicantId": "citizen-42", "formData": ["eFormId": "999999", "data": data]]).status == 422)
            #expect(try await post(["applicantId": "citizen-42", "formData": ["data": data], "documentUrls": ["x"]]).status == 422)
            #expect(try await post(["applicantId": " ", "formData": ["data": data]]).status == 422)
            let unknown = try await client.execute(
                uri: Self.prefix + "/services/\(GovStackController.serviceId("nope"))/applications", method: .post,
                headers: [.contentType: "application/json"], body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
            ) { $0.status }
            #expect(unknown == .notFound)
        }
    }

    /// The check itself finds a missing key, an undeclared one, a bad UUID and a value outside an enumeration.
    @Test func theSchemaCheckFindsWhatIsWrong() throws {
        let registration = try Self.specification("registration-bb-openapi.json")
        let schema = try Self.responseSchema(registration, path: "/services/{serviceId}")
        let wrong: [String: Any] = ["id": "sn-x", "version": "1", "type": "Open", "guichet": true]
        let problems = SchemaCheck(registration).problems(wrong, schema)
        #expect(problems.count == 4, "\(problems)")
    }

    @Test func badRequestsAnswerJSONErrors() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            let cases: [(String, Int)] = [
                ("/services/00000000-0000-8000-8000-000000000000", 404), ("/services/nope/eForms", 404), ("/eForms/999999", 404),
                ("/eForms/abc", 404), ("/data/statistics?operator=Awa", 400), ("/data/statistics?role=Handler", 400),
                ("/data/statistics?startDate=2026-13-01", 400), ("/data/statistics?startDate=2026-12-02&endDate=2026-12-01", 400),
                ("/data/statistics?timeframe=hour", 400), ("/data/statistics?startDate=", 400),
                ("/data/statistics?startDate=2020-01-01&endDate=2026-01-01&timeframe=day", 400),
            ]
            for (uri, status) in cases {
                let answer = try await get(client, Self.prefix + uri)
                #expect(answer.status == status, "\(uri)")
                #expect((answer.body as? [String: Any])?["error"] != nil, "\(uri): a JSON error")
            }
            let empty = try await get(client, Self.prefix + "/data/statistics?timeframe=week")
            #expect(empty.status == 200 && ((empty.body as? [[String: Any]])?.count ?? 0) >= 5)
        }
    }
}

enum ElectronicFormsSourceCount {
    /// Published procedures that have a form, counted from the tables.
    static func count(_ components: AppComponents) async throws -> Int {
        let ids = try await components.database.sql.raw("SELECT DISTINCT procedure_id FROM application_forms").all(
            decodingColumn: "procedure_id", as: String.self)
        return try await components.applications.catalog.procedures(ids: ids).filter { $0.status == .published }.count
    }
}

/// The parts of JSON Schema (OpenAPI 3.0) the specification uses: `$ref`, `type`, `required`, `properties`, `items`,
/// `enum`, `format` (uuid, date, date-time). Beyond validation, a key an object writes that its schema does not declare
/// is a problem too (unless the schema declares no properties, or allows any with `additionalProperties`).
struct SchemaCheck {
    let document: [String: Any]

    init(_ document: [String: Any]) {
        self.document = document
    }

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/") else { return schema }
        var node: Any? = document
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
        return resolve(node as? [String: Any] ?? [:])
    }

    func problems(_ value: Any?, _ schema: [String: Any], at path: String = "$") -> [String] {
        let schema = resolve(schema)
        guard let value else { return ["\(path): no value"] }
        var found: [String] = []
        switch schema["type"] as? String {
        case "object"?,
            nil where schema["properties"] != nil:
            guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { found.append("\(path): missing \(key)") }
            for (key, item) in object {
                if let property = properties[key] as? [String: Any] {
                    found += problems(item, property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    found += problems(item, additional, at: "\(path).\(key)")
                } else if !properties.isEmpty && schema["additionalProperties"] == nil && !(schema["required"] as? [String] ?? []).contains(key) {
                    found.append("\(path): \(key) is not in the specification")
                }
            }
        case "array"?:
            guard let array = value as? [Any] else { return ["\(path): not an array"] }
            for (index, item) in array.enumerated() { found += problems(item, schema["items"] as? [String: Any] ?? [:], at: "\(path)[\(index)]") }
        case "string"?:
            guard let text = value as? String else { return ["\(path): not a string"] }
            switch schema["format"] as? String {
            case "uuid"?:
                if text.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) == nil { found.append("\(path): not a uuid") }
            case "date"?: if InputParser.day(text) == nil { found.append("\(path): not a date") }
            case "date-time"?: if Timestamps.parse(text) == nil { found.append("\(path): not a date-time") }
            default: break
            }
            if let values = schema["enum"] as? [String], !values.contains(text) { found.append("\(path): \(text) not in \(values)") }
        case "integer"?:
            if !(value is Int) || value is Bool { found.append("\(path): not an integer") }
        case "boolean"?:
            if !(value is Bool) {
                found.append("\(path): not a boolean")
            }
        default:
            break
        }
        return found
    }
}
