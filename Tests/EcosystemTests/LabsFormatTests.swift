// SPDX-License-Identifier: MPL-2.0
import Foundation
import Testing

@testable import Ecosystem

@Suite struct LabsFormatTests {
    /// Byte-exact and structural: export gives back the file, and importing the export gives the same document.
    func expectLossless(_ text: String, _ name: String) throws -> LabsDocument {
        let document = try LabsFormat.parse(text)
        let written = LabsFormat.write(document)
        #expect(written == text, "\(name): export differs from the file")
        #expect(try LabsFormat.parse(written) == document, "\(name): re-import differs")
        return document
    }

    @Test(.enabled(if: SharedFiles.seedPlan != nil, SharedFiles.skipMessage))
    func seedPlanRoundTripKeepsEveryValue() throws {
        let text = try String(contentsOf: try #require(SharedFiles.seedPlan), encoding: .utf8)
        let document = try expectLossless(text, "seed")
        #expect(document.title == "la digitalisation des services publics\u{A0}")
        #expect(document.value("focal_point") == "arsene.saya@undp.org")
        #expect(document.values("datasources") == ["Open data", "Mobile phone data", "ethnographic data"])
        #expect(
            document.values("methods") == [
                "Pilots", "Ethnography", "Collective Intelligence", "Co-creation", "Artificial Intelligence/Machine Learning",
                "(Community) Asset Mapping",
            ])
        #expect(document.values("latlng") == ["-0.8388799890817951,15.21833615591201"])
        let plan = try LearningPlan(document: document)
        #expect(plan.year == 2023)
        #expect(plan.country == "Republic of the Congo")
        #expect(plan.sdgs == [SDG(number: 9)!])
        #expect(plan.thematicAreas == ["access to technology & internet"])
        let headings = document.sections.map(\.heading)
        #expect(
            headings == [
                "Title", "Challenge statement", "Challenge classification", "Partners", "Learning questions", "Learning questions", "Closing",
            ])
        let title = try #require(document.sections.first?.blocks.first { $0.question != nil })
        #expect(title.questionText == "Please provide a name for your action learning plan.")
        #expect(title.answerText == "la promotion des solutions innovantes de digitalisation des services public")
    }

    @Test(.enabled(if: SharedFiles.available, SharedFiles.skipMessage))
    func everyRealPlanRoundTrips() throws {
        let files = SharedFiles.realPlans
        #expect(files.count >= 6)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let document = try expectLossless(text, file.lastPathComponent)
            let plan = try LearningPlan(document: document)
            #expect(plan.country != nil, "\(file.lastPathComponent) has a country")
            let again = try LearningPlan(text: LabsFormat.write(plan.document))
            #expect(again == plan)
        }
        let nigeria = try #require(files.first { $0.lastPathComponent.hasPrefix("facilitating") })
        let headerOnly = try LabsFormat.parse(String(contentsOf: nigeria, encoding: .utf8))
        #expect(headerOnly.sections.isEmpty)
        #expect(headerOnly.value("country") == "Nigeria")
        let colombia = try #require(files.first { $0.lastPathComponent.hasPrefix("collective") })
        #expect(try LabsFormat.parse(String(contentsOf: colombia, encoding: .utf8)).sections.first?.heading == "Título")
    }

    /// A plan of our own that holds every trap the README lists, and a few more.
    static let trapPlan = [
        "# Plan à l’épreuve : virgules, / et accents",
        "",
        "[[focal_point:prénom.nom@undp.org]]",
        "",
        "[[year:2024]]",
        "",
        "[[type:learningplan]]",
        "",
        "[[datasources:]]",
        "[[datasources:Sensor & sensor network data]]",
        "[[datasources:Données mobiles, SMS et USSD]]",
        "[[methods:Artificial Intelligence/Machine Learning]]",
        "[[methods:(Community) Asset Mapping]]",
        "[[methods:Co-creation]]",
        "[[methods:Co-creation]]",
        "[[consent:https://example.org/consent?id=1:2]]",
        "[[note:valeur avec ]] au milieu]]",
        "[[gender:fe\rmale]]",
        "[[sdgs:16. Peace, justice and strong institutions]]",
        "[[sdgs:5. Gender equality]]",
        "[[thematic_areas:access to technology & internet]]",
        "[[thematic_areas:santé - e-santé, télémédecine]]",
        "[[country:Côte d’Ivoire]]",
        "[[latlng:7.5,-5.5]]",
        "  ",
        "Texte avant tout titre.",
        "> Question sans titre ?",
        "Réponse.\r",
        "## ",
        ">",
        "> ",
        "",
        "## Section répétée",
        "## Section répétée",
        "### pas un titre de section",
        "##pas un titre non plus",
        "> Question ?",
        "- Sense",
        "- Explore",
        "[[year:1999]]",
        "<div class=\"group\">",
        "</div>",
    ].joined(separator: "\n")

    @Test func trapPlanRoundTripsAndKeepsValues() throws {
        for text in [Self.trapPlan, Self.trapPlan + "\n", Self.trapPlan + "\n\n\n"] {
            let document = try expectLossless(text, "trap")
            #expect(document.values("datasources") == ["", "Sensor & sensor network data", "Données mobiles, SMS et USSD"])
            #expect(document.value("consent") == "https://example.org/consent?id=1:2")
            #expect(document.value("note") == "valeur avec ]] au milieu")
            #expect(document.value("gender") == "fe\rmale")
            let plan = try LearningPlan(document: document)
            #expect(plan.dataSources == ["Sensor & sensor network data", "Données mobiles, SMS et USSD"])
            #expect(plan.methods == ["Artificial Intelligence/Machine Learning", "(Community) Asset Mapping", "Co-creation"])
            #expect(plan.sdgs.map(\.number) == [16, 5])
            #expect(plan.thematicAreas == ["access to technology & internet", "santé - e-santé, télémédecine"])
            #expect(plan.country == "Côte d’Ivoire")
            #expect(plan.year == 2024)
            #expect(document.sections.map(\.heading) == [nil, "", "Section répétée", "Section répétée"])
            #expect(document.sections[0].blocks.map(\.questionText) == [nil, "Question sans titre ?"])
            #expect(document.sections[3].blocks.last?.lines.contains("[[year:1999]]") == true)
        }
    }

    @Test func titleRunningOverSeveralLinesStaysTheTitle() throws {
        let text = "#  \n\n1-     Confection de poubelles.\n\n[[type:learningplan]]\n[[country:Haiti]]\n\n\nTexte.\n"
        let document = try expectLossless(text, "multi-line title")
        #expect(document.displayTitle == "1- Confection de poubelles.")
        #expect(document.value("country") == "Haiti")
        #expect(document.sections.first?.blocks.first?.lines == ["Texte.", ""])
        let noHeader = try expectLossless("# Titre\nTexte\n> Q\n[[a:b]]\n", "no header")
        #expect(noHeader.title == "Titre" && noHeader.header.isEmpty)
    }

    @Test func crlfFilesAreRefusedWithAClearReason() {
        let text = "# Titre\r\n\r\n[[type:learningplan]]\r\n[[country:Togo]]\r\n## Title\r\n"
        #expect(throws: LabsFormatError(line: 3, reason: .windowsLineEndings, text: "[[type:learningplan]]\r")) { try LabsFormat.parse(text) }
    }

    @Test(arguments: [
        ("# T\n\n[[year 2023]]\n", 3, LabsFormatError.Reason.malformedHeader),
        ("# T\n[[year:2023]\n", 2, .malformedHeader),
        ("# T\n[[:2023]]\n", 2, .emptyKey),
        ("# T\n[[type:learningplan]]\n[[the key:x]]\n", 3, .malformedHeader),
    ])
    func malformedHeaderNamesTheLine(text: String, line: Int, reason: LabsFormatError.Reason) throws {
        #expect(throws: LabsFormatError(line: line, reason: reason, text: LabsFormat.lines(text)[line - 1])) { try LabsFormat.parse(text) }
        #expect(throws: LearningPlan.Problem.format(LabsFormatError(line: line, reason: reason, text: LabsFormat.lines(text)[line - 1]))) {
            try LearningPlan(text: text)
        }
    }

    @Test func planRulesRejectWhatIsNotAPlan() {
        #expect(throws: LearningPlan.Problem.unknownSDG("18. Space")) { try LearningPlan(text: "# T\n[[sdgs:18. Space]]\n") }
        #expect(throws: LearningPlan.Problem.unknownSDG("Peace")) { try LearningPlan(text: "# T\n[[sdgs:Peace]]\n") }
        #expect(throws: LearningPlan.Problem.notALearningPlan(type: "solution")) { try LearningPlan(text: "# T\n[[type:solution]]\n") }
        #expect(throws: LearningPlan.Problem.badYear("20x3")) { try LearningPlan(text: "# T\n[[year:20x3]]\n") }
        #expect(throws: LearningPlan.Problem.missingTitle) { try LearningPlan(text: "[[year:2023]]\n") }
        #expect(throws: LearningPlan.Problem.missingHeader) { try LearningPlan(text: "# Real learning plans\n\nSix plans.\n") }
        #expect(SDG(label: "17. Partnerships for the goals")?.number == 17)
        #expect(SDG(label: "0. Nothing") == nil)
    }

    @Test func idIsStableAndSeparatesCountries() throws {
        let a = try LearningPlan(text: "# Cartographie des usages\n[[year:2023]]\n[[country:Togo]]\n")
        let b = try LearningPlan(text: "# Cartographie des usages\n\n[[year:2023]]\n[[country:Togo]]\n## Title\n")
        let c = try LearningPlan(text: "# Cartographie des usages\n[[year:2023]]\n[[country:Senegal]]\n")
        #expect(a.id == b.id)
        #expect(a.id != c.id)
        #expect(a.id.hasPrefix("cartographie-des-usage-"))
    }
}
