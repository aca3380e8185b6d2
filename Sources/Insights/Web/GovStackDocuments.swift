// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird
import NIOCore

/// Documents through the GovStack API: `POST /documents` stages one upload (the specification's `uploadFile`: a
/// `multipart/form-data` body whose `file` part holds the bytes, raw or base64) for an application to name in
/// `documentUrls` or in a file field's answer; an operator fetches an application's documents by the addresses its file
/// lists (`/applications/{id}/documents/{field}`, audited). Uploading needs no account, as filing does not: a staged
/// document belongs to who uploaded it (a token's principal, or the anonymous API client) and is known only by its
/// random address; it is linked at most once, by its owner, and pruned after a day when nobody linked it.
struct GovStackDocuments: Sendable {
    let files: any RegistrationFiles
    let limiter: AttemptLimiter

    /// Uploads one client may stage in an hour: a token's principal, or an address for anonymous clients (a day's
    /// staged documents take disk until they are linked or pruned).
    static let uploadsPerHour = 120

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(InsightsRoute.govStackDocuments, use: upload)
        router.get(InsightsRoute.govStackApplicationDocument, use: document)
    }

    /// The actor of a request that may be anonymous (the applicant's client) on this API.
    static func actor(_ context: AppRequestContext) -> String { context.principal?.actor ?? "api:govstack" }

    /// The address of a staged document.
    static func url(_ id: String) -> String { InsightsRoute.govStackStagedDocument.path(id) }

    /// Where an operator fetches an application's document.
    static func url(file: String, field: String) -> String { InsightsRoute.govStackApplicationDocument.path(file, field) }

    /// The staged document's id in an address `url(_:)` gave (also with a scheme and host before it), or the bare id.
    static func stagedId(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let prefix = InsightsRoute.govStackDocuments.pattern + "/"
        var id = trimmed
        if let range = trimmed.range(of: prefix) {
            let before = trimmed[..<range.lowerBound]
            guard before.isEmpty || before.hasPrefix("http://") || before.hasPrefix("https://") else { return nil }
            id = String(trimmed[range.upperBound...])
        }
        guard id.utf8.count == 43,
            id.utf8.allSatisfy({ byte in
                (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95
            })
        else { return nil }
        return id
    }

    /// The specification's `uploadResponse`.
    struct UploadDTO: Encodable {
        let code: Int
        let type: String
        let message: String
        let url: String
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { throw AppError(.unsupportedMediaType, code: "govstack_multipart") }
        if let metadata = request.uri.queryParameters.get("additionalMetadata"), metadata.utf8.count > 200 {
            throw AppError.badParameter("additionalMetadata", value: metadata)
        }
        let client = context.principal.map { "actor:\($0.actor)" } ?? "address:\(context.clientAddress ?? "unknown")"
        guard try await limiter.reserve([.init(bucket: "govstack-upload:\(client)", limit: Self.uploadsPerHour, window: 3600)]) != nil else {
            var error = AppError(.tooManyRequests, code: "too_many_requests")
            error.headers[.retryAfter] = "3600"
            throw error
        }
        var request = request
        // Base64 takes 4 bytes for 3, and the part's headers a little more.
        let body = try await request.collectBody(upTo: files.maxDocumentBytes / 3 * 4 + 65_536)
        guard let form = MultipartForm(body: body, contentType: contentType) else { throw AppError(.badRequest, code: "bad_multipart") }
        let parts = form.parts.filter { $0.name == "file" && !$0.data.isEmpty }
        guard parts.count == 1, let part = parts.first else { throw AppError(.badRequest, code: "govstack_file", field: "file") }
        if part.filename?.utf8.contains(0) == true { throw NULCharacter.refused }
        let staged = try await files.stage(
            bytes: Self.decoded(part.data), filename: part.filename, owner: Self.actor(context), requestId: context.requestId,
            address: context.clientAddress)
        var response = try GovStackController.json(
            UploadDTO(code: 200, type: staged.mediaType, message: "staged until \(staged.expiresAt)", url: Self.url(staged.id)))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The part's bytes, or what they say when they are base64 text (the specification's `format: base64`).
    static func decoded(_ data: [UInt8]) -> [UInt8] {
        let base64 = data.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || [43, 47, 61, 10, 13, 32].contains(byte)
        }
        guard base64, let decoded = Data(base64Encoded: Data(data), options: .ignoreUnknownCharacters) else { return data }
        return Array(decoded)
    }

    @Sendable func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.backOfficeAgent)
        let id = try context.pathValue()
        let field = try context.pathValue("field")
        guard id.utf8.count <= 64, field.utf8.count <= 64,
            let document = try await files.document(
                id: id, field: field, institutions: GovStackOperatorController.scope(principal), actor: principal.actor,
                requestId: context.requestId, address: context.clientAddress)
        else { throw AppError.notFound() }
        var headers = HTTPFields()
        headers[.contentType] = document.mediaType
        headers[.contentDisposition] = "attachment; filename=\"\(document.name)\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document.bytes)))
    }
}
