// SPDX-License-Identifier: MPL-2.0
import Foundation

/// A submitted application as the GovStack Registration API shows it to an operator of its institution: its answers
/// (personal data: only through a back-office token scoped to the institution, each read audited), never a draft.
package struct RegistrationFile: Sendable, Equatable {
    package var id: String
    package var reference: String
    package var procedureId: String
    package var institutionId: String
    package var formId: Int
    /// Guichet's status (`submitted`, `in_review`, `action_required`, `approved`, `rejected`, `document_issued`).
    package var status: String
    /// The GovStack status of the same state (`PENDING`, `SENDBACK`, `APPROVED`, `REJECTED`).
    package var govStackStatus: String
    /// Still waiting for the administration (`submitted`, `in_review`): an open task.
    package var open: Bool
    /// Processing is over (approved, rejected, document issued).
    package var ended: Bool
    /// A pseudonymous id of the applicant (the hash Guichet keeps to find their drafts), when there is one.
    package var applicantKey: String?
    package var assignedTo: String?
    package var createdAt: String
    package var submittedAt: String?
    /// The answers (field key → value), only in the reading of one file.
    package var answers: [String: String]
    /// The form's fields that hold an uploaded file.
    package var files: [String]
    /// The fields the back office sent back for correction (while `action_required`).
    package var sentBack: [String]

    package init(
        id: String, reference: String, procedureId: String, institutionId: String, formId: Int, status: String, govStackStatus: String, open: Bool,
        ended: Bool, applicantKey: String?, assignedTo: String?, createdAt: String, submittedAt: String?, answers: [String: String],
        files: [String], sentBack: [String] = []
    ) {
        self.id = id
        self.reference = reference
        self.procedureId = procedureId
        self.institutionId = institutionId
        self.formId = formId
        self.status = status
        self.govStackStatus = govStackStatus
        self.open = open
        self.ended = ended
        self.applicantKey = applicantKey
        self.assignedTo = assignedTo
        self.createdAt = createdAt
        self.submittedAt = submittedAt
        self.answers = answers
        self.files = files
        self.sentBack = sentBack
    }
}

/// A document uploaded on its own through the GovStack Registration API, staged until an application names it.
package struct StagedRegistrationDocument: Sendable, Equatable {
    /// Its only key (random, 43 characters): whoever holds it, as its owner, may link it once.
    package var id: String
    package var mediaType: String
    package var size: Int
    /// When it is pruned if no application named it.
    package var expiresAt: String

    package init(id: String, mediaType: String, size: Int, expiresAt: String) {
        self.id = id
        self.mediaType = mediaType
        self.size = size
        self.expiresAt = expiresAt
    }
}

/// One uploaded file of an application, for an operator of its institution.
package struct RegistrationDocument: Sendable {
    package var name: String
    package var mediaType: String
    package var bytes: Data

    package init(name: String, mediaType: String, bytes: Data) {
        self.name = name
        self.mediaType = mediaType
        self.bytes = bytes
    }
}

/// The submitted applications for the GovStack Registration API's operator reads (Insights). Implemented by
/// Applications, wired by the composition root.
package protocol RegistrationFiles: Sendable {
    /// Submitted applications of `institutions` (nil: every institution), of one procedure if given, only the open ones
    /// if asked, the oldest due first; without answers.
    func files(institutions: [String]?, procedure: String?, openOnly: Bool, offset: Int, limit: Int) async throws -> [RegistrationFile]
    /// One submitted application of `institutions` (nil: all) without its answers (nothing personal: not audited).
    func summary(id: String, institutions: [String]?) async throws -> RegistrationFile?
    /// One submitted application with its answers; the reading is written to the audit log as `actor` (with the request).
    func file(id: String, institutions: [String]?, actor: String, requestId: String?, address: String?) async throws -> RegistrationFile?
    /// Completes an open application's review as `principal`, with the back office's rules and audit: `decision`
    /// `APPROVED` (the signed document is issued), `REJECTED` (a `note` is required) or `SENDBACK` (the `fields` to
    /// correct are required). Nil when there is no such open application in the principal's institutions.
    func complete(
        id: String, decision: String, note: String, fields: [String], principal: Principal, requestId: String?, address: String?
    ) async throws -> RegistrationFile?
    /// Files and submits an application to a published procedure's current form from a complete set of answers (channel
    /// `api`), checked as Guichet's own API checks them (422 naming the first wrong or missing answer). Idempotent: the
    /// same `scope` and `key` with the same `requestHash` answer with the same application (`created` false); with another
    /// request, a 422. Nil when the procedure has no form.
    /// `documents`: staged documents (file field → staged id) of `actor`, linked to the application in its transaction (a
    /// 422 naming the field when one is unknown, another's, expired or already linked).
    func submit(
        procedure: String, answers: [String: String], documents: [String: String], scope: String, key: String, requestHash: String, actor: String,
        requestId: String?, address: String?
    ) async throws -> (file: RegistrationFile, created: Bool)?
    /// The largest document `stage` takes, in bytes.
    var maxDocumentBytes: Int { get }
    /// Stores an uploaded document as the web form's uploads are (type read from its content, size within the limit),
    /// staged for `owner` until an application names it; expired unlinked ones are pruned first. Audited.
    func stage(bytes: [UInt8], filename: String?, owner: String, requestId: String?, address: String?) async throws -> StagedRegistrationDocument
    /// An operator's correction of a sent-back application of the principal's institutions: only the fields sent back,
    /// checked with the form's rules, then resubmitted as the applicant's correction is. The same `requestHash` again
    /// after it succeeded changes nothing (`changed` false); any other state is a 409. Nil when there is no such file.
    func correct(
        id: String, answers: [String: String], documents: [String: String], requestHash: String, principal: Principal, requestId: String?,
        address: String?
    ) async throws -> (file: RegistrationFile, changed: Bool)?
    /// One uploaded file of a submitted application of `institutions` (nil: all), its reading audited; nil when none.
    func document(id: String, field: String, institutions: [String]?, actor: String, requestId: String?, address: String?) async throws
        -> RegistrationDocument?
}
