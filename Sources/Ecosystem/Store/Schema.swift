// SPDX-License-Identifier: MPL-2.0
import FluentKit
import Foundation
import GuichetCore
import SQLKit

/// A learning plan: its document as exported by the platform (the source of truth, exported back byte for byte)
/// beside the columns the list filters and sorts on.
final class LearningPlanRow: Model, @unchecked Sendable {
    static let schema = "eco_learning_plans"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "title") var title: String
    @OptionalField(key: "country") var country: String?
    @OptionalField(key: "year") var year: Int?
    /// The document in the platform's format. It holds the focal point's e-mail: never shown on public pages.
    @Field(key: "document") var document: String
    @Field(key: "created_at") var createdAt: String
    @Field(key: "updated_at") var updatedAt: String
    init() {}
}

/// The shared vocabulary of the ecosystem: countries, SDGs, thematic areas, methods, data sources.
/// One row per kind and value (compared without case), whatever plan or solution uses it.
final class TermRow: Model, @unchecked Sendable {
    static let schema = "eco_terms"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "kind") var kind: String
    /// The value as first written (an SDG is stored as its number).
    @Field(key: "value") var value: String
    init() {}
}

final class PlanTermRow: Model, @unchecked Sendable {
    static let schema = "eco_plan_terms"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "plan_id") var planId: String
    @Field(key: "term_id") var termId: String
    @Field(key: "position") var position: Int
    init() {}
}

struct CreateLearningPlanTables: AsyncMigration {
    var name: String { "2026-12-01-01-CreateEcosystemLearningPlans" }

    func prepare(on database: any Database) async throws {
        try await database.schema(TermRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("value", .string, .required)
            .create()
        try await database.schema(LearningPlanRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("title", .string, .required)
            .field("country", .string)
            .field("year", .int)
            .field("document", .string, .required)
            .field("created_at", .string, .required)
            .field("updated_at", .string, .required)
            .create()
        try await database.schema(PlanTermRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("plan_id", .string, .required, .references(LearningPlanRow.schema, "id", onDelete: .cascade))
            .field("term_id", .string, .required, .references(TermRow.schema, "id"))
            .field("position", .int, .required)
            .unique(on: "plan_id", "term_id")
            .create()
        let sql = database.sql
        try await sql.create(index: "eco_terms_kind_value").on(TermRow.schema).column("kind").column("value").run()
        try await sql.create(index: "eco_plan_terms_term").on(PlanTermRow.schema).column("term_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in [PlanTermRow.schema, LearningPlanRow.schema, TermRow.schema] {
            try await database.schema(table).delete()
        }
    }
}

/// A solution: its document (JSON of `Solution`, never personal data) beside the columns lists filter and sort on.
final class SolutionRow: Model, @unchecked Sendable {
    static let schema = "eco_solutions"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "source") var source: String
    @Field(key: "name") var name: String
    @OptionalField(key: "maturity") var maturity: String?
    @OptionalField(key: "year") var year: Int?
    @Field(key: "data") var data: String
    @Field(key: "created_at") var createdAt: String
    @Field(key: "updated_at") var updatedAt: String
    init() {}
}

final class SolutionTermRow: Model, @unchecked Sendable {
    static let schema = "eco_solution_terms"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "solution_id") var solutionId: String
    @Field(key: "term_id") var termId: String
    @Field(key: "position") var position: Int
    init() {}
}

struct CreateSolutionTables: AsyncMigration {
    var name: String { "2026-12-01-02-CreateEcosystemSolutions" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SolutionRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("source", .string, .required)
            .field("name", .string, .required)
            .field("maturity", .string)
            .field("year", .int)
            .field("data", .string, .required)
            .field("created_at", .string, .required)
            .field("updated_at", .string, .required)
            .create()
        try await database.schema(SolutionTermRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("solution_id", .string, .required, .references(SolutionRow.schema, "id", onDelete: .cascade))
            .field("term_id", .string, .required, .references(TermRow.schema, "id"))
            .field("position", .int, .required)
            .unique(on: "solution_id", "term_id")
            .create()
        let sql = database.sql
        try await sql.create(index: "eco_solution_terms_term").on(SolutionTermRow.schema).column("term_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in [SolutionTermRow.schema, SolutionRow.schema] {
            try await database.schema(table).delete()
        }
    }
}

final class ActorRow: Model, @unchecked Sendable {
    static let schema = "eco_actors"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @Field(key: "country") var country: String
    @Field(key: "data") var data: String
    @Field(key: "updated_at") var updatedAt: String
    init() {}
}

final class ActorRelationRow: Model, @unchecked Sendable {
    static let schema = "eco_actor_relations"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "source_id") var sourceId: String
    @Field(key: "target_id") var targetId: String
    @Field(key: "kind") var kind: String
    init() {}
}

struct CreateActorTables: AsyncMigration {
    var name: String { "2026-12-01-03-CreateEcosystemActors" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ActorRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("country", .string, .required)
            .field("data", .string, .required)
            .field("updated_at", .string, .required)
            .create()
        try await database.schema(ActorRelationRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("source_id", .string, .required, .references(ActorRow.schema, "id", onDelete: .cascade))
            .field("target_id", .string, .required, .references(ActorRow.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .unique(on: "source_id", "target_id", "kind")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in [ActorRelationRow.schema, ActorRow.schema] {
            try await database.schema(table).delete()
        }
    }
}

final class NeedRow: Model, @unchecked Sendable {
    static let schema = "eco_needs"
    @ID(custom: "id", generatedBy: .user) var id: String?
    /// The form's one-time key: a retried submission finds the need it already created.
    @Field(key: "submission_key") var submissionKey: String
    @OptionalField(key: "procedure_id") var procedureId: String?
    @Field(key: "data") var data: String
    @Field(key: "created_at") var createdAt: String
    init() {}
}

final class MatchDecisionRow: Model, @unchecked Sendable {
    static let schema = "eco_match_decisions"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "need_id") var needId: String
    @Field(key: "solution_id") var solutionId: String
    @Field(key: "decision") var decision: String
    @Field(key: "decided_by") var decidedBy: String
    @Field(key: "decided_at") var decidedAt: String
    init() {}
}

struct CreateNeedTables: AsyncMigration {
    var name: String { "2026-12-01-04-CreateEcosystemNeeds" }

    func prepare(on database: any Database) async throws {
        try await database.schema(NeedRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("submission_key", .string, .required)
            .field("procedure_id", .string)
            .field("data", .string, .required)
            .field("created_at", .string, .required)
            .unique(on: "submission_key")
            .create()
        try await database.schema(MatchDecisionRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("need_id", .string, .required, .references(NeedRow.schema, "id", onDelete: .cascade))
            .field("solution_id", .string, .required, .references(SolutionRow.schema, "id", onDelete: .cascade))
            .field("decision", .string, .required)
            .field("decided_by", .string, .required)
            .field("decided_at", .string, .required)
            .unique(on: "need_id", "solution_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in [MatchDecisionRow.schema, NeedRow.schema] {
            try await database.schema(table).delete()
        }
    }
}

final class SurveyRow: Model, @unchecked Sendable {
    static let schema = "eco_surveys"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "title") var title: String
    @Field(key: "synthetic") var synthetic: Bool
    @Field(key: "imported_at") var importedAt: String
    init() {}
}

/// One respondent: no column can hold who they are.
final class SurveyResponseRow: Model, @unchecked Sendable {
    static let schema = "eco_survey_responses"
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "survey_id") var surveyId: String
    @Field(key: "region") var region: String
    @Field(key: "area") var area: String
    @Field(key: "sex") var sex: String
    @Field(key: "age_band") var ageBand: String
    @Field(key: "device") var device: String
    @Field(key: "uses_internet") var usesInternet: Bool
    @Field(key: "services_online") var servicesOnline: String
    @Field(key: "barriers") var barriers: String
    init() {}
}

struct CreateSurveyTables: AsyncMigration {
    var name: String { "2026-12-01-05-CreateEcosystemSurveys" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SurveyRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("title", .string, .required)
            .field("synthetic", .bool, .required)
            .field("imported_at", .string, .required)
            .create()
        try await database.schema(SurveyResponseRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("survey_id", .string, .required, .references(SurveyRow.schema, "id", onDelete: .cascade))
            .field("region", .string, .required)
            .field("area", .string, .required)
            .field("sex", .string, .required)
            .field("age_band", .string, .required)
            .field("device", .string, .required)
            .field("uses_internet", .bool, .required)
            .field("services_online", .string, .required)
            .field("barriers", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in [SurveyResponseRow.schema, SurveyRow.schema] {
            try await database.schema(table).delete()
        }
    }
}

package enum EcosystemMigrations {
    package static var all: [any Migration] {
        [CreateLearningPlanTables(), CreateSolutionTables(), CreateActorTables(), CreateNeedTables(), CreateSurveyTables()]
    }
}
