// SPDX-License-Identifier: MPL-2.0
import Audit
import Foundation
import GuichetCore
import GuichetTesting
import Testing

@testable import Ecosystem

@Suite struct SolutionImportTests {
    @Test func personalDataIsLeftBehind() throws {
        let record = """
            # 1)   « Poulets » en ligne

            [[focal_point:agent.pnud@undp.org]]

            [[year:2021]]

            [[type:solution]]

            [[sdgs:1. No poverty]]
            [[sdgs:10. Reduced innequalities]]
            [[thematic_areas:rural development]]
            [[thematic_areas:community  involment]]
            [[country:Burkina Faso]]
            [[country:Burkina Faso]]
            [[latlng:12.2,-1.7]]

            Description de la solution:

            Une application mobile et des SMS pour vendre la volaille&nbsp;; plus de 256 000 ménages visés en 2019-2020 &amp; après.

            Promoteur de la solution :

            KABORE Awa, Agent de développement communautaire

            BP. 13 Koudougou;  Tel.: 70 23 26 80 / 75 03 60 02      WhatsApp:  70 23 26 80

            Email: awa.kabore@example.org

            Elle a formé 40 jeunes, joignables au +226 70 00 00 00.

            ![Missing alt text](https://undp-accelerator-labs.github.io/blobs/solutions/x.jpg)

            > What is the name of the solution holder? (main contact person, if multiple)

            Moussa Traoré

            > What is the address and preferred way to contact the solution holder?

            Quartier 5, Bamako

            > Is this solution a prototype or product?

            Pilot phase

            > Is this solution DIY / open source or IP protected?

            DIY

            > Please insert a link to the solution.

            https://example.org/poulets
            ## CV
            Né en 1980, ingénieur.
            """
        let solution = try LabsSolution.solution(text: record)
        let stored = String(decoding: try JSONEncoder().encode(solution), as: UTF8.self)
        for personal in ["agent.pnud", "KABORE", "Koudougou", "70 23 26 80", "awa.kabore", "+226", "Moussa", "Quartier 5", "Né en 1980"] {
            #expect(!stored.contains(personal), "\(personal) is stored")
        }
        #expect(solution.name == "« Poulets » en ligne")
        #expect(solution.countries == ["Burkina Faso"])
        #expect(solution.sdgs == [1, 10])
        #expect(solution.thematicAreas == ["rural development", "community involment"])
        #expect(solution.descriptionFr?.contains("la volaille ; plus de 256 000 ménages visés en 2019-2020 & après.") == true)
        #expect(solution.descriptionEn == nil)
        #expect(solution.channels == [.app, .sms])
        #expect(solution.maturity == .pilot)
        #expect(solution.openSource == true)
        #expect(solution.links == ["https://example.org/poulets"])
        #expect(solution.source == .labs)
    }

    @Test(arguments: [
        ("M. Souley a mis au point une technique.", "M. […] a mis au point une technique."),
        ("Mr. Zephyrin NDOMBI NDOMBASI, Colonel à la retraite", "Mr. […], Colonel à la retraite"),
        ("Dr Sanou Jacob, Institut de l’Environnement", "Dr […], Institut de l’Environnement"),
        ("Le promoteur Abidine Ndiaye teste", "Le promoteur […] teste"),
        ("The project, led by Augusto, is championing", "The project, led by […], is championing"),
        ("monsieur N’Famara Touré, ingénieur", "monsieur […], ingénieur"),
        ("developed by the CGIAR initiative, led by cities", "developed by the CGIAR initiative, led by cities"),
        ("Une machine de 2 m. L’animal est dressé", "Une machine de 2 m. L’animal est dressé"),
    ])
    func namesAfterATitleAreMasked(text: String, expected: String) {
        #expect(PersonalData.maskNames(text) == expected)
    }

    @Test(.enabled(if: SharedFiles.available, SharedFiles.skipMessage))
    func the325LabsRecordsImportWithoutPersonalData() async throws {
        let pages = SharedFiles.directory.appendingPathComponent("datasets/acclab-solutions/pages")
        let files = try FileManager.default.contentsOfDirectory(at: pages, includingPropertiesForKeys: nil).filter { $0.pathExtension == "md" }
        #expect(files.count == 325)
        // What the records say about people: the focal points' and holders' e-mails, every phone number.
        var focalPoints = Set<String>()
        for file in files {
            let document = try LabsFormat.parse(try String(contentsOf: file, encoding: .utf8))
            #expect(LabsFormat.write(document) == (try String(contentsOf: file, encoding: .utf8)), "\(file.lastPathComponent) round trip")
            focalPoints.formUnion(document.values("focal_point"))
        }
        let focalPointEmails = focalPoints
        try await TestApp.withComponents { components in
            let repository = SolutionRepository(db: components.database.db)
            let report = try await SolutionImporter.importLabs(directory: pages, repository: repository, actor: "test")
            #expect(report.rejected.allSatisfy { $0.contains("same solution as") }, "\(report.rejected)")
            #expect(report.created + report.rejected.count == 325)
            #expect(try await repository.count() == report.created)
            let all = try await repository.list(.init())
            for solution in all {
                // Every text the solution holds (its id is a slug and a hash, not text from the record).
                let text =
                    ([solution.name, solution.descriptionFr ?? "", solution.descriptionEn ?? ""] + solution.owners + solution.places
                    + solution.links + solution.thematicAreas + solution.sectors + solution.countries).joined(separator: "\n")
                #expect(PersonalData.contacts(in: text).isEmpty, "\(solution.id) keeps \(PersonalData.contacts(in: text))")
                #expect(PersonalData.maskNames(text) == text, "\(solution.id) keeps a name after a title")
                #expect(!focalPointEmails.contains { text.contains($0) })
            }
            #expect(try await repository.list(.init(country: "Togo")).count >= 20)
            #expect(try await repository.list(.init(sdg: 16)).count > 0)
            let again = try await SolutionImporter.importLabs(directory: pages, repository: repository, actor: "test")
            #expect(again.created == 0 && again.updated == 0 && again.unchanged == report.created)
        }
    }

    static let csv = """
        id;nom;description_fr;Pays;ODD;maturité;canaux;open_source;liens;secteurs;procedures;Téléphone
        sms-naissance;Naissance par SMS;"Déclaration; par SMS
        sur deux lignes, avec « guillemets » \"\"doubles\"\"\";Togo|Bénin;16|3;pilote;sms|ussd;oui;https://example.org;état civil;;+228 90 00 00 00
        ;Kiosque santé;Bornes;Sénégal;18;pilote;sms;oui;;santé;;
        ;;Sans nom;Togo;16;;;;;;;
        ;Mauvais;Texte;Mali;16;bientôt;fax;peut-être;ftp://x;;;
        ;Appelez-moi;Joindre le 77 123 45 67;Sénégal;16;idée;;;;;;
        ;Lien démarche;Texte;Sénégal;16;;;;;;sn-inconnue;
        ;Agents communautaires;"Des agents, à l’échelle";Sénégal;1|5;à l'échelle;agent;non;;;;
        """

    @Test func csvImportReportsEachRejectedRowAndUpdatesOnReimport() async throws {
        try await TestApp.withComponents { components in
            let repository = SolutionRepository(db: components.database.db)
            let report = try await SolutionImporter.importCSV(Data(Self.csv.utf8), repository: repository, actor: "test")
            #expect(report.warnings == ["column \"Téléphone\" identifies a person: dropped, never stored"])
            #expect(report.created == 2)
            #expect(
                report.rejected == [
                    "line 4: sdgs: unknown SDG \"18\" (1 to 17)",
                    "line 5: name: empty",
                    "line 6: maturity: \"bientôt\" is not idea, prototype, pilot or at scale; channels: \"fax\" is not web, app, ussd, sms or agent; "
                        + "open_source: \"peut-être\" is not yes or no; links: \"ftp://x\" is not an http(s) address",
                    "line 7: description_fr: holds an e-mail address or a phone number (personal data)",
                    "line 8: procedures: not in the catalogue: sn-inconnue",
                ])
            let sms = try #require(try await repository.solution(id: "csv-sms-naissance"))
            #expect(sms.descriptionFr == "Déclaration; par SMS\nsur deux lignes, avec « guillemets » \"doubles\"")
            #expect(sms.countries == ["Togo", "Bénin"])
            #expect(sms.maturity == .pilot && sms.channels == [.sms, .ussd] && sms.openSource == true)
            #expect(sms.sectors == ["état civil"])
            let stored = String(decoding: try JSONEncoder().encode(sms), as: UTF8.self)
            #expect(!stored.contains("90 00 00 00"))
            let agents = try #require(try await repository.list(.init(channel: .agent)).first)
            #expect(agents.maturity == .atScale && agents.openSource == false && agents.sdgs == [1, 5])

            let again = try await SolutionImporter.importCSV(Data(Self.csv.utf8), repository: repository, actor: "test")
            #expect(again.created == 0 && again.updated == 0 && again.unchanged == 2)
            let edited = Self.csv.replacingOccurrences(of: "Naissance par SMS", with: "Naissance par SMS et USSD")
            let third = try await SolutionImporter.importCSV(Data(edited.utf8), repository: repository, actor: "test")
            #expect(third.updated == 1 && third.unchanged == 1)
            #expect(try await repository.count() == 2)
            let actions = try await AuditLog.records(on: components.database.db).filter { $0.entry.entity == "solution" }.map(\.entry.action)
            #expect(actions == ["solution.created", "solution.created", "solution.updated"])
        }
    }

    @Test func commaSeparatedWithCRLFAndBOMIsReadToo() throws {
        let text = "\u{FEFF}name,countries,sdgs,channels\r\n\"Paiement, par mobile\",Côte d’Ivoire,8,app|web\r\nÉcole,Niger,4,\r\n"
        let reading = try SolutionCSV.read(Data(text.utf8))
        #expect(reading.delimiter == ",")
        #expect(reading.rejected.isEmpty)
        #expect(reading.accepted.map(\.name) == ["Paiement, par mobile", "École"])
        #expect(reading.accepted.first?.countries == ["Côte d’Ivoire"])
        #expect(reading.accepted.first?.channels == [.app, .web])
        #expect(throws: CSVTable.Problem.unclosedQuote(line: 2)) { try SolutionCSV.read(Data("name\n\"open\n".utf8)) }
    }

    @Test func badRowsLeaveGoodRowsAloneButTheTransactionIsWhole() async throws {
        try await TestApp.withComponents { components in
            let repository = SolutionRepository(db: components.database.db)
            // Two rows with the same key in one file: the second is rejected, the first imported.
            let text = "id;name\nx;Un\nx;Deux\n"
            let report = try await SolutionImporter.importCSV(Data(text.utf8), repository: repository, actor: "test")
            #expect(report.created == 1)
            #expect(report.rejected == ["line 3: same solution as line 2"])
        }
    }
}
