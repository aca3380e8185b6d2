// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import GuichetTesting
import Testing

@testable import Catalog

@Suite struct ImportTests {
    func counts(_ database: DatabaseService) async throws -> (procedures: Int, institutions: Int, events: Int) {
        (
            try await ProcedureRow.query(on: database.db).count(), try await InstitutionRow.query(on: database.db).count(),
            try await AuditLog.records(on: database.db).count
        )
    }

    @Test func validCatalogueIsImportedAndAudited() async throws {
        try await TestApp.withComponents { components in
            let repository = CatalogRepository(database: components.database.db)
            let summary = try await repository.importDocument(Fixtures.document(), actor: "test")
            #expect(summary == .init(created: 5, updated: 0, unchanged: 0))
            let (procedures, institutions, events) = try await counts(components.database)
            #expect(procedures == 1 && institutions == 2)
            // one event per entry created, one for the import itself
            #expect(events == 6)
            #expect(try await AuditLog.verify(on: components.database.db) == .intact(events: 6))
        }
    }

    @Test func reimportUpdatesInsteadOfDuplicating() async throws {
        try await TestApp.withComponents { components in
            let repository = CatalogRepository(database: components.database.db)
            try await repository.importDocument(Fixtures.document(), actor: "test")
            var changed = Fixtures.procedure()
            changed.title.fr = "Déclaration de naissance (modifiée)"
            let summary = try await repository.importDocument(Fixtures.document(procedures: [changed]), actor: "test")
            #expect(summary == .init(created: 0, updated: 1, unchanged: 4))
            #expect(try await ProcedureRow.query(on: components.database.db).count() == 1)
            #expect(try await repository.procedures(ids: [changed.id]).first?.title.fr == "Déclaration de naissance (modifiée)")
        }
    }

    @Test func renamingAnInstitutionReindexesItsProcedures() async throws {
        try await TestApp.withComponents { components in
            let repository = CatalogRepository(database: components.database.db)
            try await repository.importDocument(Fixtures.document(), actor: "test")
            #expect(try await repository.search("Zinguinchor", country: nil, limit: 5, offset: 0).total == 0)
            var document = Fixtures.document()
            document.institutions[0].name.fr = "Mairie de Zinguinchor"
            try await repository.importDocument(document, actor: "test")
            #expect(try await repository.search("zinguinchor", country: nil, limit: 5, offset: 0).items.map(\.id) == ["sn-test-naissance"])
        }
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let description: String
        let path: String
        let change: @Sendable (inout CatalogDocument) -> Void
    }

    static let badCases: [BadCase] = [
        BadCase(description: "unknown currency", path: "procedures[0] (sn-test-naissance).blocks[0].steps[0].costs[0].currency") {
            $0.procedures[0].blocks[0].steps[0].costs = [Cost(kind: .amount, amount: 10, currency: "ABC")]
        },
        BadCase(description: "unknown institution", path: "procedures[0] (sn-test-naissance).blocks[0].steps[0].institution") {
            $0.procedures[0].blocks[0].steps[0].institution = "sn-nowhere"
        },
        BadCase(description: "min above max", path: "procedures[0] (sn-test-naissance).blocks[0].steps[0].timeframe.atCounterMinutes.max") {
            $0.procedures[0].blocks[0].steps[0].timeframe = Timeframe(atCounterMinutes: MinMax(min: 30, max: 10))
        },
        BadCase(description: "empty French title", path: "procedures[0] (sn-test-naissance).title.fr") {
            $0.procedures[0].title = LocalizedText(fr: "  ", en: "Title")
        },
        BadCase(description: "unknown category", path: "procedures[0] (sn-test-naissance).categories") {
            $0.procedures[0].categories = ["nope"]
        },
        BadCase(description: "duplicate id", path: "procedures") {
            $0.procedures.append($0.procedures[0])
        },
        BadCase(description: "bad id", path: "institutions[0] (Mairie Test).id") {
            $0.institutions[0].id = "Mairie Test"
        },
        BadCase(description: "no source", path: "procedures[0] (sn-test-naissance).sources") {
            $0.procedures[0].sources = []
        },
        BadCase(description: "amount on a free cost", path: "procedures[0] (sn-test-naissance).blocks[0].steps[0].costs[0].amount") {
            $0.procedures[0].blocks[0].steps[0].costs = [Cost(kind: .free, amount: 100)]
        },
    ]

    @Test(arguments: badCases)
    func invalidCatalogueNamesTheFieldAndWritesNothing(_ bad: BadCase) async throws {
        try await TestApp.withComponents { components in
            var document = Fixtures.document()
            bad.change(&document)
            let repository = CatalogRepository(database: components.database.db)
            do {
                try await repository.importDocument(document, actor: "test")
                Issue.record("the import should have failed")
            } catch let error as CatalogValidationError {
                #expect(error.issues.map(\.path).contains(bad.path), "\(error.issues)")
            }
            let (procedures, institutions, events) = try await counts(components.database)
            #expect(procedures == 0 && institutions == 0 && events == 0)
        }
    }

    @Test func yamlDecodingErrorNamesTheEntryAndField() throws {
        let yaml = """
            format: guichet-catalog/1
            countries: []
            categories: []
            institutions:
            - id: sn-x
              country: SN
              kind: palace
              name: {fr: X}
            procedures: []
            """
        #expect {
            try CatalogCodec.decode(Data(yaml.utf8), format: .yaml)
        } throws: { error in
            let issue = (error as? CatalogValidationError)?.issues.first
            return issue?.path == "institutions[0].kind"
        }
        let missing = "format: guichet-catalog/1\ncountries: []\ncategories: []\ninstitutions: []\nprocedures:\n- id: sn-y\n"
        #expect {
            try CatalogCodec.decode(Data(missing.utf8), format: .yaml)
        } throws: { error in
            let issue = (error as? CatalogValidationError)?.issues.first
            return issue?.path.hasPrefix("procedures[0].") == true && issue?.message == "is required"
        }
    }

    @Test func exportImportExportIsIdentical() async throws {
        let demo = try TestApp.demoDocument()
        for format in CatalogFormat.allCases {
            let first = try await TestApp.withComponents { components in
                let repository = CatalogRepository(database: components.database.db)
                try await repository.importDocument(demo, actor: "test")
                return try CatalogCodec.encode(try await repository.exportDocument(), format: format)
            }
            let second = try await TestApp.withComponents { components in
                let repository = CatalogRepository(database: components.database.db)
                try await repository.importDocument(try CatalogCodec.decode(first, format: format), actor: "test")
                return try CatalogCodec.encode(try await repository.exportDocument(), format: format)
            }
            #expect(first == second, "\(format) export changed after a round trip")
            #expect(try CatalogCodec.decode(first, format: format).procedures.count == demo.procedures.count)
        }
    }

    @Test func demoFilesAreCompleteAndSourced() throws {
        let demo = try TestApp.demoDocument()
        let byCountry = Dictionary(grouping: demo.procedures, by: \.country).mapValues(\.count)
        #expect(byCountry["SN", default: 0] >= 10)
        #expect(byCountry["TG", default: 0] >= 10)
        #expect(byCountry["CG", default: 0] >= 6)
        for procedure in demo.procedures {
            #expect(!procedure.sources.isEmpty, "\(procedure.id) has no source")
            #expect(procedure.sources.contains { $0.url != nil }, "\(procedure.id) cites no source with an address")
        }
        var validator = CatalogValidator()
        #expect(validator.validate(demo).isEmpty)
    }
}
