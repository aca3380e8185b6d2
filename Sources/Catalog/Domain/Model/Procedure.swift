// SPDX-License-Identifier: MPL-2.0
import Foundation

package struct Procedure: Codable, Equatable, Sendable {
    /// Stable slug, e.g. `sn-declaration-naissance`.
    package var id: String
    package var country: String
    package var title: LocalizedText
    package var summary: LocalizedText?
    package var audience: [Audience]
    package var categories: [String]
    /// Lead institution id.
    package var institution: String
    package var channel: Channel
    package var onlineUrl: String?
    package var keywords: Keywords?
    /// Who may apply.
    package var eligibility: LocalizedText?
    package var status: PublicationStatus
    package var version: Int
    /// "YYYY-MM-DD"
    package var lastReviewed: String?
    package var sources: [Source]
    package var blocks: [Block]
    package var additionalInfo: LocalizedText?

    package init(
        id: String, country: String, title: LocalizedText, summary: LocalizedText? = nil, audience: [Audience], categories: [String],
        institution: String, channel: Channel, onlineUrl: String? = nil, keywords: Keywords? = nil, eligibility: LocalizedText? = nil,
        status: PublicationStatus, version: Int, lastReviewed: String? = nil, sources: [Source], blocks: [Block],
        additionalInfo: LocalizedText? = nil
    ) {
        self.id = id
        self.country = country
        self.title = title
        self.summary = summary
        self.audience = audience
        self.categories = categories
        self.institution = institution
        self.channel = channel
        self.onlineUrl = onlineUrl
        self.keywords = keywords
        self.eligibility = eligibility
        self.status = status
        self.version = version
        self.lastReviewed = lastReviewed
        self.sources = sources
        self.blocks = blocks
        self.additionalInfo = additionalInfo
    }
}

/// eRegulations' block: steps done one after the other, at the same time, or one of several.
package enum BlockMode: String, Codable, Sendable, CaseIterable {
    case sequence, parallel, alternative
}

package struct Block: Codable, Equatable, Sendable {
    package var name: LocalizedText?
    package var mode: BlockMode
    package var optional: Bool?
    package var steps: [Step]

    package init(name: LocalizedText? = nil, mode: BlockMode, optional: Bool? = nil, steps: [Step]) {
        self.name = name
        self.mode = mode
        self.optional = optional
        self.steps = steps
    }
}

package struct Step: Codable, Equatable, Sendable {
    package var title: LocalizedText
    /// Responsible institution id.
    package var institution: String?
    package var office: LocalizedText?
    /// What the person does.
    package var action: LocalizedText?
    package var results: [StepResult]?
    package var online: Bool?
    package var optional: Bool?
    package var requirements: [Requirement]?
    package var costs: [Cost]?
    package var timeframe: Timeframe?
    package var legalBases: [LegalBasis]?
    package var recourse: LocalizedText?
    package var additionalInfo: LocalizedText?
    /// Facts of this step on which the sources disagree (each statement with its source).
    package var conflicts: [Conflict]?

    package init(
        title: LocalizedText, institution: String? = nil, office: LocalizedText? = nil, action: LocalizedText? = nil,
        results: [StepResult]? = nil, online: Bool? = nil, optional: Bool? = nil, requirements: [Requirement]? = nil, costs: [Cost]? = nil,
        timeframe: Timeframe? = nil, legalBases: [LegalBasis]? = nil, recourse: LocalizedText? = nil, additionalInfo: LocalizedText? = nil,
        conflicts: [Conflict]? = nil
    ) {
        self.title = title
        self.institution = institution
        self.office = office
        self.action = action
        self.results = results
        self.online = online
        self.optional = optional
        self.requirements = requirements
        self.costs = costs
        self.timeframe = timeframe
        self.legalBases = legalBases
        self.recourse = recourse
        self.additionalInfo = additionalInfo
        self.conflicts = conflicts
    }
}

package struct StepResult: Codable, Equatable, Sendable {
    package var name: LocalizedText
    package var final: Bool?

    package init(name: LocalizedText, final: Bool? = nil) {
        self.name = name
        self.final = final
    }
}

package struct Requirement: Codable, Equatable, Sendable {
    package var name: LocalizedText
    package var originals: Int?
    package var copies: Int?
    package var certifiedCopies: Int?
    package var notes: LocalizedText?
    package var legalBasis: LegalBasis?

    package init(
        name: LocalizedText, originals: Int? = nil, copies: Int? = nil, certifiedCopies: Int? = nil, notes: LocalizedText? = nil,
        legalBasis: LegalBasis? = nil
    ) {
        self.name = name
        self.originals = originals
        self.copies = copies
        self.certifiedCopies = certifiedCopies
        self.notes = notes
        self.legalBasis = legalBasis
    }
}

package enum CostKind: String, Codable, Sendable, CaseIterable {
    /// `amount` in `currency`.
    case amount
    /// `percentage` % of `parameter`.
    case percentage
    case free
    /// "non renseigné": the source does not state it.
    case unknown
}

package struct Cost: Codable, Equatable, Sendable {
    package var kind: CostKind
    package var label: LocalizedText?
    package var amount: Double?
    package var currency: String?
    package var percentage: Double?
    package var parameter: LocalizedText?
    /// To whom it is paid.
    package var payee: LocalizedText?
    /// How it is paid (cash, fiscal stamp, mobile money…).
    package var payment: LocalizedText?
    /// The source's own wording, kept when an importer parsed the amount from it.
    package var text: LocalizedText?
    package var legalBasis: LegalBasis?

    package init(
        kind: CostKind, label: LocalizedText? = nil, amount: Double? = nil, currency: String? = nil, percentage: Double? = nil,
        parameter: LocalizedText? = nil, payee: LocalizedText? = nil, payment: LocalizedText? = nil, text: LocalizedText? = nil,
        legalBasis: LegalBasis? = nil
    ) {
        self.kind = kind
        self.label = label
        self.amount = amount
        self.currency = currency
        self.percentage = percentage
        self.parameter = parameter
        self.payee = payee
        self.payment = payment
        self.text = text
        self.legalBasis = legalBasis
    }
}

/// Minutes at the place, days until the next step.
package struct MinMax: Codable, Equatable, Sendable {
    package var min: Int
    package var max: Int

    package init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }
}

package struct Timeframe: Codable, Equatable, Sendable {
    package var waitingInLineMinutes: MinMax?
    package var atCounterMinutes: MinMax?
    package var untilNextStepDays: MinMax?
    package var notes: LocalizedText?

    package init(
        waitingInLineMinutes: MinMax? = nil, atCounterMinutes: MinMax? = nil, untilNextStepDays: MinMax? = nil, notes: LocalizedText? = nil
    ) {
        self.waitingInLineMinutes = waitingInLineMinutes
        self.atCounterMinutes = atCounterMinutes
        self.untilNextStepDays = untilNextStepDays
        self.notes = notes
    }
}

package struct LegalBasis: Codable, Equatable, Sendable {
    package var text: LocalizedText
    package var article: String?
    package var url: String?

    package init(text: LocalizedText, article: String? = nil, url: String? = nil) {
        self.text = text
        self.article = article
        self.url = url
    }
}
