// SPDX-License-Identifier: MPL-2.0
import Foundation

/// What the published results and the open data know of one application: where it belongs, how it was filed and
/// when it was decided. Nothing about the person (no reference, no answers, no owner).
package struct ApplicationFact: Sendable, Equatable {
    package var procedureId: String
    package var institutionId: String
    package var country: String
    /// How it was filed (`online`, `assisted`, `api`…).
    package var channel: String
    package var submittedAt: Date
    /// When it was approved or rejected; nil while undecided.
    package var decidedAt: Date?
    /// The date the administration was due to decide by (the catalogue's declared time when filed).
    package var dueAt: Date?
    /// Approved (true), rejected (false), undecided (nil).
    package var approved: Bool?
    /// When the administration first sent it back to the applicant for a correction, if it did.
    package var sentBackAt: Date?

    package init(
        procedureId: String, institutionId: String, country: String, channel: String, submittedAt: Date, decidedAt: Date? = nil,
        dueAt: Date? = nil, approved: Bool? = nil, sentBackAt: Date? = nil
    ) {
        self.procedureId = procedureId
        self.institutionId = institutionId
        self.country = country
        self.channel = channel
        self.submittedAt = submittedAt
        self.decidedAt = decidedAt
        self.dueAt = dueAt
        self.approved = approved
        self.sentBackAt = sentBackAt
    }
}

/// The applications' facts for the published results (Insights). Implemented by Applications, wired by the
/// composition root; the demo's simulated applications count only in the demo.
package protocol ApplicationFigures: Sendable {
    /// Every submitted application filed, decided or sent back in `[from, until)`.
    func applications(from: Date, until: Date) async throws -> [ApplicationFact]
}

/// One version of the e-form of a procedure, as the GovStack Registration API publishes it (the form, never answers).
package struct EFormFact: Sendable, Equatable {
    package struct Field: Sendable, Equatable {
        package var key: String
        /// `text`, `number`, `date`, `choice`, `phone`, `national_id`, `email`, `file`.
        package var kind: String
        package var labelFr: String
        package var labelEn: String?
        /// Required whatever the other answers are (a field shown only after some answer is not).
        package var required: Bool
        package var minLength: Int?
        package var maxLength: Int?
        package var pattern: String?
        package var minimum: Double?
        package var maximum: Double?
        package var choices: [String]

        package init(
            key: String, kind: String, labelFr: String, labelEn: String?, required: Bool, minLength: Int? = nil, maxLength: Int? = nil,
            pattern: String? = nil, minimum: Double? = nil, maximum: Double? = nil, choices: [String] = []
        ) {
            self.key = key
            self.kind = kind
            self.labelFr = labelFr
            self.labelEn = labelEn
            self.required = required
            self.minLength = minLength
            self.maxLength = maxLength
            self.pattern = pattern
            self.minimum = minimum
            self.maximum = maximum
            self.choices = choices
        }
    }

    package var id: Int
    package var procedureId: String
    /// The form's version number for its procedure (1, 2…).
    package var number: Int
    /// The procedure's current form.
    package var latest: Bool
    package var fields: [Field]

    package init(id: Int, procedureId: String, number: Int, latest: Bool, fields: [Field]) {
        self.id = id
        self.procedureId = procedureId
        self.number = number
        self.latest = latest
        self.fields = fields
    }
}

/// The published e-forms (Insights' GovStack API). Implemented by Applications, wired by the composition root.
package protocol ElectronicForms: Sendable {
    /// The procedures that have a published e-form.
    func procedures() async throws -> Set<String>
    /// Every version of a procedure's form, the latest last.
    func forms(procedure: String) async throws -> [EFormFact]
    func form(id: Int) async throws -> EFormFact?
}

/// A centre as the open data publishes it (public facts only).
package struct PublicCentre: Sendable, Equatable {
    package var id: String
    package var country: String
    package var region: String
    package var department: String
    package var nameFr: String
    package var nameEn: String?
    /// `open` or `planned`.
    package var status: String
    package var institution: String?
    package var addressFr: String?
    package var latitude: Double
    package var longitude: Double
    package var timezone: String
    /// Weekly opening hours (ISO weekdays, local "08:00").
    package var hours: [PlaceHours]

    package init(
        id: String, country: String, region: String, department: String, nameFr: String, nameEn: String?, status: String, institution: String?,
        addressFr: String?, latitude: Double, longitude: Double, timezone: String, hours: [PlaceHours]
    ) {
        self.id = id
        self.country = country
        self.region = region
        self.department = department
        self.nameFr = nameFr
        self.nameEn = nameEn
        self.status = status
        self.institution = institution
        self.addressFr = addressFr
        self.latitude = latitude
        self.longitude = longitude
        self.timezone = timezone
        self.hours = hours
    }
}

/// One centre's month ("2026-11", in the centre's time zone) as its results count it.
package struct CentreMonthFigures: Sendable, Equatable {
    package var centreId: String
    package var month: String
    /// Tickets called (served or not showing up), of them called within the wait commitment, no-shows.
    package var called: Int
    package var calledWithin: Int
    package var noShows: Int
    /// Feedback answers and, of them, satisfied ones.
    package var answers: Int
    package var satisfied: Int
    /// Mean wait of the called tickets, in minutes.
    package var meanWaitMinutes: Double?

    package init(
        centreId: String, month: String, called: Int, calledWithin: Int, noShows: Int, answers: Int, satisfied: Int, meanWaitMinutes: Double?
    ) {
        self.centreId = centreId
        self.month = month
        self.called = called
        self.calledWithin = calledWithin
        self.noShows = noShows
        self.answers = answers
        self.satisfied = satisfied
        self.meanWaitMinutes = meanWaitMinutes
    }
}

/// The centres' published commitments: the wait (minutes, share of visitors) and satisfaction (share) promised.
package struct CentreCommitmentTargets: Sendable, Equatable {
    package var waitMinutes: Int
    package var waitTargetPercent: Int?
    package var satisfactionTargetPercent: Int?

    package init(waitMinutes: Int, waitTargetPercent: Int?, satisfactionTargetPercent: Int?) {
        self.waitMinutes = waitMinutes
        self.waitTargetPercent = waitTargetPercent
        self.satisfactionTargetPercent = satisfactionTargetPercent
    }
}

/// The service centres' directory and monthly results for the published results and the open data (Insights).
/// Implemented by Centres, wired by the composition root.
package protocol CentreFigures: Sendable {
    func centres() async throws -> [PublicCentre]
    func commitments() async throws -> CentreCommitmentTargets
    /// The months' figures of every centre with activity in them.
    func monthly(months: [String]) async throws -> [CentreMonthFigures]
    /// The centres' own results page ("our commitments, our results"), to link to.
    var resultsPath: String { get }
}

/// A digital solution of the ecosystem as the open data publishes it.
package struct OpenSolution: Sendable, Equatable {
    package var id: String
    package var name: String
    package var descriptionFr: String?
    package var countries: [String]
    package var thematicAreas: [String]
    package var sdgs: [Int]
    package var maturity: String?
    package var channels: [String]
    package var openSource: Bool?
    package var digitalPublicGood: Bool
    package var procedures: [String]
    package var year: Int?

    package init(
        id: String, name: String, descriptionFr: String?, countries: [String], thematicAreas: [String], sdgs: [Int], maturity: String?,
        channels: [String], openSource: Bool?, digitalPublicGood: Bool, procedures: [String], year: Int?
    ) {
        self.id = id
        self.name = name
        self.descriptionFr = descriptionFr
        self.countries = countries
        self.thematicAreas = thematicAreas
        self.sdgs = sdgs
        self.maturity = maturity
        self.channels = channels
        self.openSource = openSource
        self.digitalPublicGood = digitalPublicGood
        self.procedures = procedures
        self.year = year
    }
}

/// An organisation of the ecosystem as the open data publishes it (no contact: it may name a person).
package struct OpenActor: Sendable, Equatable {
    package var id: String
    package var name: String
    package var acronym: String?
    package var kind: String
    package var country: String
    package var sectors: [String]
    package var website: String?

    package init(id: String, name: String, acronym: String?, kind: String, country: String, sectors: [String], website: String?) {
        self.id = id
        self.name = name
        self.acronym = acronym
        self.kind = kind
        self.country = country
        self.sectors = sectors
        self.website = website
    }
}

/// A learning plan's metadata (not its text) as the open data publishes it.
package struct OpenLearningPlan: Sendable, Equatable {
    package var id: String
    package var title: String
    package var country: String?
    package var year: Int?
    package var sdgs: [Int]
    package var thematicAreas: [String]
    package var methods: [String]

    package init(id: String, title: String, country: String?, year: Int?, sdgs: [Int], thematicAreas: [String], methods: [String]) {
        self.id = id
        self.title = title
        self.country = country
        self.year = year
        self.sdgs = sdgs
        self.thematicAreas = thematicAreas
        self.methods = methods
    }
}

/// The ecosystem's public lists for the open data (Insights). Implemented by Ecosystem, wired by the composition root.
package protocol EcosystemOpenData: Sendable {
    func solutions() async throws -> [OpenSolution]
    func actors() async throws -> [OpenActor]
    func learningPlans() async throws -> [OpenLearningPlan]
}
