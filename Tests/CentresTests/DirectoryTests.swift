// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import GuichetTesting
import Testing

@testable import Centres

@Suite struct DirectoryTests {
    typealias F = CentresFixtures

    @Test func demoDirectoryHasTheFortyFiveSenegalDepartmentsAndTogoAndCongo() async throws {
        try await TestApp.withComponents(seed: .demo) { components in
            let summary = try await F.importer(components).importDocument(try CentresModule.demoDocument(), actor: "test")
            let directory = DirectoryRepository(database: components.database)
            let senegal = try await directory.centres(country: "SN")
            #expect(senegal.count == 45)
            #expect(Set(senegal.map(\.department)).count == 45)
            #expect(Set(senegal.map(\.region)).count == 14)
            // A cited article (December 2023) counts visitors across all 45 spaces.
            #expect(senegal.allSatisfy { $0.isOpenStatus })
            #expect(senegal.allSatisfy { $0.timezone == "Africa/Dakar" && !$0.sources.isEmpty })
            #expect(try await directory.centres(country: "TG").count >= 1)
            let congo = try await directory.centres(country: "CG")
            #expect(!congo.isEmpty && congo.allSatisfy { $0.timezone == "Africa/Brazzaville" })
            #expect(summary.created == 45 + (try await directory.centres(country: "TG").count) + congo.count)
            let services = try await directory.services("sn-ess-dakar")
            #expect(services.map(\.letter) == ["A", "B", "C", "D"])
            #expect(services[0].procedures == ["sn-declaration-naissance", "sn-extrait-acte-naissance"])
            // Re-running updates in place.
            let again = try await F.importer(components).importDocument(try CentresModule.demoDocument(), actor: "test")
            #expect(again.created == 0 && again.updated == summary.created)
        }
    }

    @Test func invalidEntriesAreRejectedByNameAndFieldAndNothingIsWritten() async throws {
        try await TestApp.withComponents { components in
            let importer = F.importer(components)
            let broken = F.yaml.replacingOccurrences(of: "timezone: Africa/Brazzaville", with: "timezone: Africa/Nowhere")
            await #expect(throws: CentresImportError(entry: "test-brazzaville", field: "timezone", problem: "unknown time zone Africa/Nowhere")) {
                try await importer.importDocument(try CentresDocument.decode(yaml: broken), actor: "test")
            }
            let unknownProcedure = F.yaml.replacingOccurrences(
                of: "{key: casier, letter: C, name: {fr: Casier judiciaire, en: Criminal record}}",
                with: "{key: casier, letter: C, name: {fr: Casier}, procedures: [xx-nothing]}")
            await #expect(throws: CentresImportError.self) {
                try await importer.importDocument(try CentresDocument.decode(yaml: unknownProcedure), actor: "test")
            }
            let badHours = F.yaml.replacingOccurrences(of: "opens: \"08:00\", closes: \"16:00\"", with: "opens: \"16:00\", closes: \"08:00\"")
            await #expect(throws: CentresImportError.self) {
                try await importer.importDocument(try CentresDocument.decode(yaml: badHours), actor: "test")
            }
            let written = try await F.count(components, "centres")
            #expect(written == 0)
        }
    }

    @Test func openingHoursAreReadInTheCentresTimeZone() async throws {
        try await F.withCentres { components in
            let directory = DirectoryRepository(database: components.database)
            let brazzaville = try await directory.requireCentre(F.brazzaville)
            // Monday 2 March 2026. Brazzaville is UTC+1: 07:30 UTC is 08:30 there (open), 15:30 UTC is 16:30 (closed).
            #expect(try await directory.isOpen(brazzaville, at: F.date("2026-03-02T07:30:00Z")))
            #expect(!(try await directory.isOpen(brazzaville, at: F.date("2026-03-02T06:45:00Z"))))
            #expect(!(try await directory.isOpen(brazzaville, at: F.date("2026-03-02T15:30:00Z"))))
            // A Saturday, then the exceptional closure of Friday 14 August and the Thursday before it.
            #expect(!(try await directory.isOpen(brazzaville, at: F.date("2026-03-07T10:00:00Z"))))
            #expect(!(try await directory.isOpen(brazzaville, at: F.date("2026-08-14T10:00:00Z"))))
            #expect(try await directory.isOpen(brazzaville, at: F.date("2026-08-13T10:00:00Z")))
            #expect(CentreClock.offsetLabel(brazzaville.timeZone, at: F.openTime) == "UTC+1")
            let dakar = try await directory.requireCentre(F.dakar)
            #expect(CentreClock.offsetLabel(dakar.timeZone, at: F.openTime) == "UTC+0")
            #expect(CentreClock.localTime(F.date("2026-03-02T07:30:00Z"), in: dakar.timeZone) == "07:30")
            #expect(CentreClock.localTime(F.date("2026-03-02T07:30:00Z"), in: brazzaville.timeZone) == "08:30")
        }
    }
}
