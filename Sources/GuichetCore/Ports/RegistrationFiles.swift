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

    package init(
        id: String, reference: String, procedureId: String, institutionId: String, formId: Int, status: String, govStackStatus: String, open: Bool,
        ended: Bool, applicantKey: String?, assignedTo: String?, createdAt: String, submittedAt: String?, answers: [String: String],
        files: [String]
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
    }
}

/// The submitted applications for the GovStack Registration API's operator reads (Insights). Implemented by
/// Applications, wired by the composition root.
package protocol RegistrationFiles: Sendable {
    /// Submitted applications of `institutions` (nil: every institution), of one procedure if given, only the open ones
    /// if asked, the oldest due first; without answers.
    func files(institutions: [String]?, procedure: String?, openOnly: Bool, offset: Int, limit: Int) async throws -> [RegistrationFile]
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
    func submit(
        procedure: String, answers: [String: String], scope: String, key: String, requestHash: String, actor: String, requestId: String?,
        address: String?
    ) async throws -> (file: RegistrationFile, created: Bool)?
}
