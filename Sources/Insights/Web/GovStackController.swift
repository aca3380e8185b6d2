// SPDX-License-Identifier: MPL-2.0
import Catalog
import Crypto
import Foundation
import GuichetCore
import Hummingbird

/// The GovStack Registration building block's public operations over Guichet's model, under `/api/govstack/v1`:
/// services (published procedures that have an e-form), their e-forms (Guichet's form as a JSON Schema) and the
/// statistics API. The README's table says how each field maps. The specification declares no authentication for these
/// (statistics "allows anyone"); `Information-Mediator-Client` is accepted and not required.
struct GovStackController: Sendable {
    let catalog: CatalogRepository
    let forms: any ElectronicForms
    let applications: any ApplicationFigures
    let clock: any WallClock

    /// (method, path as the OpenAPI document writes it).
    static let routes: [(method: String, path: String)] = [
        ("GET", "/api/govstack/v1/services"), ("GET", "/api/govstack/v1/services/{id}"), ("GET", "/api/govstack/v1/services/{id}/eForms"),
        ("GET", "/api/govstack/v1/eForms/{id}"), ("GET", "/api/govstack/v1/data/statistics"), ("POST", "/api/govstack/v1/services/{id}/applications"),
    ]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(InsightsRoute.govStackServices, use: services)
        router.get(InsightsRoute.govStackService, use: service)
        router.get(InsightsRoute.govStackServiceForms, use: serviceForms)
        router.get(InsightsRoute.govStackForm, use: form)
        router.get(InsightsRoute.govStackStatistics, use: statistics)
    }

    /// A service's GovStack id: a UUID made from the procedure's id (SHA-256, version and variant bits set), the same
    /// on every server.
    static func serviceId(_ procedureId: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("guichet:procedure:\(procedureId)".utf8)).prefix(16))
        guard bytes.count == 16 else { return "" }
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.hexLowercase
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex.dropFirst(range.lowerBound).prefix(range.count))
        }
        return parts.joined(separator: "-")
    }

    /// The published procedures that have an e-form, by their service id.
    func executable() async throws -> [String: Procedure] {
        let ids = try await forms.procedures()
        let procedures = try await catalog.procedures(ids: Array(ids)).filter { $0.status == .published }
        return Dictionary(procedures.map { (Self.serviceId($0.id), $0) }, uniquingKeysWith: { first, _ in first })
    }

    func requireService(_ context: AppRequestContext) async throws -> Procedure {
        let id = try context.pathValue().lowercased()
        guard id.utf8.count == 36, let procedure = try await executable()[id] else { throw AppError.notFound() }
        return procedure
    }

    /// A name to filter by (empty: none), trimmed; at most 200 as the OpenAPI document counts them (code points, before
    /// trimming): not Characters, which fold combining marks.
    static func nameFilter(_ request: Request, parameter: String) throws -> String {
        let raw = request.form[parameter] ?? ""
        guard raw.unicodeScalars.count <= 200 else { throw AppError.badParameter(parameter, value: raw) }
        return raw.trimmingCharacters(in: .whitespaces)
    }

    @Sendable func services(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.nameFilter(request, parameter: "name")
        let folded = name.lowercased()
        let list = try await executable().values.sorted { $0.id < $1.id }.map { ServiceDTO($0, language: context.language) }
            .filter { folded.isEmpty || $0.name.lowercased().contains(folded) }
        return try Self.json(list)
    }

    @Sendable func service(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.json(ServiceDTO(try await requireService(context), language: context.language))
    }

    @Sendable func serviceForms(_ request: Request, context: AppRequestContext) async throws -> Response {
        let procedure = try await requireService(context)
        let list = try await forms.forms(procedure: procedure.id).map {
            EFormDTO($0, procedure: procedure, language: context.language, schema: false)
        }
        return try Self.json(list)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        let raw = try context.pathValue()
        guard let id = InputParser.integer(raw, in: 1...Int(Int32.max)), let form = try await forms.form(id: id),
            let procedure = try await catalog.procedures(ids: [form.procedureId]).first, procedure.status == .published
        else { throw AppError.notFound() }
        return try Self.json(EFormDTO(form, procedure: procedure, language: context.language, schema: true))
    }

    static func json(_ value: some Encodable) throws -> Response {
        var response = try JSONResponse.make(value)
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}

/// The specification's `service`.
struct ServiceDTO: Encodable {
    /// A `code`/`value` pair of `serviceBody`.
    struct Property: Encodable {
        let code: String
        let value: String

        init(_ code: String, _ value: String) {
            self.code = code
            self.value = value
        }
    }

    let id: String
    let name: String
    let version: String
    let type = "Public"
    let isExecutable = true
    let isClosed = false
    let description: String?
    let serviceBody: [Property]

    init(_ procedure: Procedure, language: Language) {
        id = GovStackController.serviceId(procedure.id)
        name = procedure.title.text(for: language.rawValue).text
        version = String(procedure.version)
        description = procedure.summary?.text(for: language.rawValue).text
        var body = [
            Property("guichetProcedureId", procedure.id), Property("country", procedure.country),
            Property("competentAuthority", procedure.institution), Property("channel", procedure.channel.rawValue),
        ]
        if let days = PerformanceService.declaredDays(procedure) { body.append(Property("declaredDaysMax", String(days.max))) }
        serviceBody = body
    }
}

/// The specification's `EFormListItem` and, with its schema, `EForm`: Guichet's form as a JSON Schema (2020-12).
struct EFormDTO: Encodable {
    let eFormId: String
    let name: String
    let description: String
    let version: String
    let latest: Bool
    let schema: JSONValue?

    init(_ form: EFormFact, procedure: Procedure, language: Language, schema: Bool) {
        eFormId = String(form.id)
        name = procedure.id
        description = procedure.title.text(for: language.rawValue).text
        version = String(form.number)
        latest = form.latest
        self.schema = schema ? Self.schema(form, language: language) : nil
    }

    static func schema(_ form: EFormFact, language: Language) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in form.fields {
            var property: [String: JSONValue] = ["title": .string(language == .en ? field.labelEn ?? field.labelFr : field.labelFr)]
            switch field.kind {
            case "number":
                property["type"] = .string("number")
                if let minimum = field.minimum { property["minimum"] = .number(minimum) }
                if let maximum = field.maximum { property["maximum"] = .number(maximum) }
            case "date":
                property["type"] = .string("string")
                property["format"] = .string("date")
            case "email":
                property["type"] = .string("string")
                property["format"] = .string("email")
            case "choice":
                property["type"] = .string("string")
                property["enum"] = .array(field.choices.map { .string($0) })
            case "file":
                // A file is uploaded on its own (`POST /documents`); the answer is the address it gave (or the address is in `documentUrls`).
                property["type"] = .string("string")
                property["format"] = .string("uri")
            default:
                property["type"] = .string("string")
            }
            if let minLength = field.minLength { property["minLength"] = .number(Double(minLength)) }
            if let maxLength = field.maxLength { property["maxLength"] = .number(Double(maxLength)) }
            if let pattern = field.pattern { property["pattern"] = .string("^(?:\(pattern))$") }
            property["x-guichet-kind"] = .string(field.kind)
            properties[field.key] = .object(property)
        }
        return .object([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"), "type": .string("object"), "properties": .object(properties),
            "required": .array(form.fields.filter(\.required).map { .string($0.key) }),
        ])
    }
}

/// A JSON value built in code (the e-forms' schemas).
indirect enum JSONValue: Encodable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value):
            if let whole = Int(exactly: value) { try container.encode(whole) } else { try container.encode(value) }
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
