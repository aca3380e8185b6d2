// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// What the applications' API answers: statuses and dates for the person, answers and files for agents.
extension ApplicationsAPIController {
    struct EventDTO: Encodable {
        let at: String
        let action: String
        let status: String
        let note: String?
        let fields: [String]?
    }

    /// What the person (or their app) sees: statuses and dates, no answers.
    struct StatusDTO: Encodable {
        let reference: String?
        let procedure: String
        let status: String
        let govstackStatus: String?
        let submittedAt: String?
        let dueAt: String?
        let requested: ChangeRequest?
        let document: String?
        let history: [EventDTO]
    }

    struct CreatedDTO: Encodable {
        let reference: String?
        let pin: String
        let status: String
        let govstackStatus: String?
        let procedure: String
        let form: Int
        let dueAt: String?
    }

    /// What an agent reads: the answers and the file list too.
    struct DetailDTO: Encodable {
        let id: String
        let reference: String?
        let procedure: String
        let institution: String
        let status: String
        let govstackStatus: String?
        let channel: String
        let revision: Int
        let assignedTo: String?
        let submittedAt: String?
        let dueAt: String?
        let overdue: Bool
        let answers: [String: String]?
        let files: [FileDTO]?
        let requested: ChangeRequest?
        let history: [EventDTO]
    }

    struct FileDTO: Encodable {
        let field: String
        let name: String
        let mediaType: String
        let size: Int
        let sha256: String
    }

    struct ListDTO: Encodable {
        let items: [DetailDTO]
        let total: Int
        let offset: Int
        let limit: Int
    }

    func events(_ id: String) async throws -> [EventDTO] {
        try await store.events(id).map {
            EventDTO(at: $0.at, action: $0.action, status: $0.toStatus.rawValue, note: $0.note, fields: $0.fields.isEmpty ? nil : $0.fields)
        }
    }

    func statusDTO(_ record: ApplicationRecord) async throws -> StatusDTO {
        let (events, document) = try await tracking.publicHistory(record)
        return StatusDTO(
            reference: record.reference, procedure: record.procedureId, status: record.status.rawValue, govstackStatus: record.status.govStack,
            submittedAt: record.submittedAt, dueAt: record.dueAt, requested: record.status == .actionRequired ? record.requested : nil,
            document: document,
            history: events.filter { $0.action != "started" }.map {
                EventDTO(at: $0.at, action: $0.action, status: $0.toStatus.rawValue, note: $0.note, fields: $0.fields.isEmpty ? nil : $0.fields)
            })
    }

    func detailDTO(_ record: ApplicationRecord, full: Bool) async throws -> DetailDTO {
        DetailDTO(
            id: record.id, reference: record.reference, procedure: record.procedureId, institution: record.institutionId,
            status: record.status.rawValue,
            govstackStatus: record.status.govStack, channel: record.channel.rawValue, revision: record.revision, assignedTo: record.assignedTo,
            submittedAt: record.submittedAt, dueAt: record.dueAt, overdue: record.isOverdue(at: store.clock.now),
            answers: full ? record.answers : nil,
            files: full
                ? try await store.files(record.id).map {
                    FileDTO(field: $0.field, name: $0.name, mediaType: $0.mediaType, size: $0.size, sha256: $0.sha256)
                } : nil,
            requested: record.requested, history: full ? try await events(record.id) : [])
    }
}
