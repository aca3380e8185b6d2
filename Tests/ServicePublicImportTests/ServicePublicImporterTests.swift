// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import Testing

@testable import ServicePublicImport

/// The servicepublic.gouv.sn importer: its parsers on strings, and the whole import on the dataset when it is present
/// (`<package root>/../shared/datasets/servicepublic-sn/data`, or the directory in GUICHET_SERVICEPUBLIC_DIR).
@Suite struct ServicePublicImporterTests {
    static let dataDirectory: URL = {
        if let path = ProcessInfo.processInfo.environment["GUICHET_SERVICEPUBLIC_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        // Tests/ServicePublicImportTests/ServicePublicImporterTests.swift → package root, three levels up.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("../shared/datasets/servicepublic-sn/data").standardizedFileURL
    }()

    static var datasetPresent: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("services").path)
    }

    /// Read once for the tests that need the dataset.
    static let imported: Result<ServicePublicImportResult, any Error>? =
        datasetPresent ? Result { try ServicePublicImporter.read(directory: dataDirectory) } : nil

    static func dataset() -> ServicePublicImportResult? {
        switch imported {
        case nil:
            print("skipped: servicepublic-sn dataset not found at \(dataDirectory.path)")
            return nil
        case .failure(let error):
            Issue.record("the import failed: \(error)")
            return nil
        case .success(let result):
            return result
        }
    }

    static func procedure(_ id: String, in result: ServicePublicImportResult) throws -> (Procedure, Step) {
        let procedure = try #require(result.document.procedures.first { $0.id == id }, "no procedure \(id)")
        let step = try #require(procedure.blocks.first?.steps.first)
        return (procedure, step)
    }

    // MARK: - Parsers

    @Test func amounts() {
        let parsers = ServicePublicParsers()
        #expect(parsers.amounts(in: "10 000 FCFA") == [10000])
        #expect(parsers.amounts(in: "Un timbre fiscal de 1 000 FCFA") == [1000])
        #expect(parsers.amounts(in: "200 FCFA pour l'achat de timbre fiscal") == [200])
        #expect(parsers.amounts(in: "19 000 F CFA") == [19000])
        #expect(parsers.amounts(in: "100.000 francs") == [100_000])
        #expect(parsers.amounts(in: "5000 F") == [5000])
        #expect(parsers.amounts(in: "52.000.FCFA pour l'acte en minute") == [52000])
        #expect(parsers.amounts(in: "1 00 000 FCFA à payer à la Mairie") == [100_000])
        #expect(parsers.amounts(in: "1 million de FCFA de frais d'étude") == [1_000_000])
        #expect(parsers.amounts(in: "Une caution au moins égale à 10 millions FCFA") == [10_000_000])
        #expect(parsers.amounts(in: "AIM : quinze mille francs CFA (15.000 FCFA)") == [15000])
        #expect(parsers.amounts(in: "Loi 2011-01 du 24 février 2011").isEmpty)
        #expect(parsers.amounts(in: "Gratuit").isEmpty)
        // A range states its lower bound; a condition after the price does not replace it.
        #expect(parsers.amount(in: "De 1500 à 10 000 FCFA.") == 1500)
        #expect(parsers.amount(in: "Pour les ouvrages entre 6 000 et 10 000 FCFA") == 6000)
        #expect(parsers.amount(in: "70 000 FCFA pour les SARL dont le capital est compris entre 500 000 FCFA et 5 000 000 FCFA") == 70000)
    }

    @Test func costs() {
        let parsers = ServicePublicParsers()
        func lines(_ texts: String...) -> [SPLine] { texts.map { SPLine(text: $0, bullet: true, raw: "* " + $0) } }

        let free = parsers.costs(from: lines("C'est gratuit.")).costs
        #expect(free.count == 1)
        #expect(free.first?.kind == .free)
        #expect(free.first?.text?.fr == "C'est gratuit.")
        #expect(free.first?.amount == nil)

        let stamp = parsers.costs(from: lines("Un timbre fiscal de 1 000 FCFA")).costs
        #expect(stamp.first?.kind == .amount)
        #expect(stamp.first?.amount == 1000)
        #expect(stamp.first?.currency == "XOF")
        #expect(stamp.first?.label?.fr == "Un timbre fiscal de 1 000 FCFA")

        let unknown = parsers.costs(from: lines("Variable selon la taille de l'entreprise.")).costs
        #expect(unknown.count == 1)
        #expect(unknown.first?.kind == .unknown)
        #expect(unknown.first?.text?.fr == "Variable selon la taille de l'entreprise.")

        // A total above its breakdown is not counted twice; a note is not a cost.
        let (split, notes) = parsers.costs(
            from: lines(
                "Le coût total est de 4 600 FCFA :", "4 000 FCFA pour l'enrôlement", "600 FCFA pour la délivrance du document",
                "NB : En cas d'audience foraine, le coût est réduit aux seuls frais de délivrance."))
        #expect(split.map(\.amount) == [4000, 600])
        #expect(notes.count == 1)

        // Several amounts for several things on one line.
        let parts = parsers.costs(
            from: lines("Dépôt simple : 50 000 FCFA pour la taxe de dépôt, 30 000 FCFA pour la taxe de publication")
        ).costs
        #expect(parts.map(\.amount) == [50000, 30000])
        #expect(parts.last?.label?.fr == "Dépôt simple : 30 000 FCFA pour la taxe de publication")

        let percentage = parsers.costs(from: lines("1% de la valeur du logement ou du terrain")).costs
        #expect(percentage.first?.kind == .percentage)
        #expect(percentage.first?.percentage == 1)
        #expect(percentage.first?.parameter?.fr == "la valeur du logement ou du terrain")
    }

    @Test func delays() {
        let parsers = ServicePublicParsers()
        func days(_ text: String) -> MinMax? { parsers.days(in: [text]) }
        #expect(days("48 heures") == MinMax(min: 2, max: 2))
        #expect(days("15 jours") == MinMax(min: 15, max: 15))
        #expect(days("15 jours.") == MinMax(min: 15, max: 15))
        #expect(days("Une semaine.") == MinMax(min: 7, max: 7))
        #expect(days("3 mois.") == MinMax(min: 90, max: 90))
        #expect(days("2 à 3 mois.") == MinMax(min: 60, max: 90))
        #expect(days("15 jours à un mois.") == MinMax(min: 15, max: 30))
        #expect(days("Entre 2 et 10 jours ouvrables") == MinMax(min: 2, max: 10))
        #expect(days("Quinze (15) jours") == MinMax(min: 15, max: 15))
        #expect(days("(Dix) 10 à (Quinze) 15 jours.") == MinMax(min: 10, max: 15))
        #expect(days("Vingt quatre heures") == MinMax(min: 1, max: 1))
        #expect(days("Immédiat.") == MinMax(min: 0, max: 0))
        #expect(days("La légalisation se fait séance tenante") == MinMax(min: 0, max: 0))
        #expect(days("Dans la journée.") == MinMax(min: 0, max: 0))
        #expect(days("Variable.") == nil)
        #expect(days("Quelques jours.") == nil)
        #expect(parsers.days(in: ["Immédiat pour le récépissé", "2 mois pour la réponse"]) == MinMax(min: 0, max: 60))
    }

    @Test func legalBases() {
        let parsers = ServicePublicParsers()
        let family = parsers.legalBases(in: "Voir article 47 du code de la famille")
        #expect(family.count == 1)
        #expect(family.first?.text.fr == "Code de la famille")
        #expect(family.first?.article == "47")

        let range = parsers.legalBases(in: "Voir les articles 305 à 334 du code de la famille.")
        #expect(range.first?.article == "305 à 334")

        let two = parsers.legalBases(
            in: "Voir les articles 812 et suivants du code des obligations civiles et commerciales et l'article 8 du code du travail.")
        #expect(two.map(\.text.fr) == ["Code des obligations civiles et commerciales", "Code du travail"])
        #expect(two.map(\.article) == ["812 et suivants", "8"])

        let law = parsers.legalBases(in: "Loi n° 2006-19 du 30 juin 2006 relative aux archives et aux documents administratifs.")
        #expect(law.first?.text.fr == "Loi n° 2006-19 du 30 juin 2006 relative aux archives et aux documents administratifs")
        #expect(law.first?.article == nil)

        let inline = parsers.legalBases(
            in: "Elle est instituée par la loi n°95-11 du 7 avril 1995 et son décret d'application n° 95-415 du 15 mai 1995.")
        #expect(inline.map(\.text.fr) == ["Loi n°95-11 du 7 avril 1995", "Décret d'application n° 95-415 du 15 mai 1995"])

        let code = parsers.legalBases(in: "Code général des Impôts, modifiée (articles 523 à 549)", referenceLine: true)
        #expect(code.first?.text.fr == "Code général des Impôts, modifiée")
        #expect(code.first?.article == "523 à 549")

        #expect(parsers.legalBases(in: "Une demande adressée au ministre chargé de la Santé").isEmpty)
    }

    @Test func requirements() {
        let parsers = ServicePublicParsers()
        let original = parsers.requirement("Un extrait d'acte de naissance", notes: nil)
        #expect(original.originals == 1)
        #expect(original.copies == nil && original.certifiedCopies == nil)
        #expect(parsers.requirement("Une copie légalisée de la carte nationale d'identité", notes: nil).certifiedCopies == 1)
        #expect(parsers.requirement("Une photocopie certifiée conforme du diplôme", notes: nil).certifiedCopies == 1)
        #expect(parsers.requirement("Une photocopie du certificat de nationalité", notes: nil).copies == 1)
        #expect(parsers.requirement("3 copies du bulletin de salaire", notes: nil).copies == 3)
        #expect(parsers.requirement("Deux copies certifiées conformes des statuts", notes: nil).certifiedCopies == 2)
        #expect(parsers.requirement("2 photos d'identité", notes: nil).originals == 2)
        #expect(parsers.requirement("Quatre (04) photos d’identité récentes", notes: nil).originals == 4)
        #expect(parsers.requirement("Une déclaration d'accident en 3 exemplaires", notes: nil).originals == 3)
        #expect(parsers.requirement("Un devis de fabrication pour 1000 exemplaires", notes: nil).originals == 1)
    }

    @Test func markdownAndIds() {
        #expect(SPText.clean("**Quel est le coût ?**") == "Quel est le coût ?")
        #expect(SPText.clean("\\- Une [ordonnance](../../../services/ordonnance.md) de référé.  ") == "- Une ordonnance de référé.")
        #expect(SPText.clean("-----------") == "")
        #expect(SPText.slug("Ministère de l'Intérieur (MINT)") == "ministere-de-linterieur-mint")
        let long = String(repeating: "demander-une-autorisation-", count: 8) + "fin"
        let id = SPText.identifier(long)
        #expect(id.count <= 120)
        #expect(id.hasPrefix("sn-sp-demander-une-autorisation"))
        #expect(SPText.identifier(long) == id)
        #expect(SPText.identifier("declarer-une-naissance") == "sn-sp-declarer-une-naissance")
    }

    @Test func categoriesFromFolders() {
        #expect(
            ServicePublicCategories.categories(
                path: "particuliers/papiers/etat-civil/declarer-une-naissance.md", title: "Déclarer une naissance")
                == ["naissance"])
        #expect(
            ServicePublicCategories.categories(path: "particuliers/papiers/etat-civil/declarer-un-deces.md", title: "Déclarer un décès")
                .contains("famille"))
        #expect(
            ServicePublicCategories.categories(
                path: "professionnels/ressources-humaines/recrutement/x.md", title: "Recruter") == ["travail"])
        #expect(
            ServicePublicCategories.categories(
                path: "particuliers/papiers/permis-de-conduire-et-papiers-des-vehicules/x.md", title: "Convertir un permis") == [
                    "transport"
                ])
    }

    // MARK: - The dataset

    @Test func wholeDataset() throws {
        guard let result = Self.dataset() else { return }
        let report = result.report
        let document = result.document
        // Senegal Ouvert's copy holds 1 769 fiche files for 643 distinct file names (its README's "about 890" does not hold).
        #expect((600...700).contains(report.fiches), "fiches: \(report.fiches)")
        #expect(report.offices >= 240)
        #expect(report.fiches == document.procedures.count)
        #expect(document.countries.isEmpty && document.categories.isEmpty)

        let procedureIds = document.procedures.map(\.id)
        #expect(Set(procedureIds).count == procedureIds.count, "procedure ids are unique")
        #expect(procedureIds == procedureIds.sorted())
        let institutionIds = document.institutions.map(\.id)
        #expect(Set(institutionIds).count == institutionIds.count, "institution ids are unique")
        #expect(institutionIds == institutionIds.sorted())
        let known = Set(institutionIds)
        let categoryIds = Set(ServicePublicCategories.order)
        for procedure in document.procedures {
            #expect(!procedure.categories.isEmpty, "\(procedure.id) has no category")
            #expect(procedure.categories.allSatisfy(categoryIds.contains), "\(procedure.id): \(procedure.categories)")
            #expect(procedure.sources.first?.url?.hasPrefix(ServicePublicImporter.sourceBase) == true, "\(procedure.id) has no source URL")
            #expect(procedure.country == "SN" && procedure.status == .published && procedure.version == 1 && procedure.lastReviewed == nil)
            #expect(known.contains(procedure.institution), "\(procedure.id): unknown institution \(procedure.institution)")
            #expect(!procedure.audience.isEmpty)
        }
        var validator = CatalogValidator(knownCountries: ["SN"], knownCategories: categoryIds)
        let issues = validator.validate(document)
        #expect(issues.isEmpty, "\(issues.prefix(10))")
        #expect(report.count("categories") == report.fiches)
        #expect(report.lines().contains { $0.hasPrefix("requirements:") })
        // No head's personal name in institutions (office files end with "Directeur : Name").
        #expect(!document.institutions.contains { ($0.address?.fr ?? "").contains("Directeur") })
    }

    @Test func declarerUneNaissance() throws {
        guard let result = Self.dataset() else { return }
        let (procedure, step) = try Self.procedure("sn-sp-declarer-une-naissance", in: result)
        #expect(procedure.title.fr == "Déclarer une naissance")
        #expect(procedure.audience == [.citizen])
        #expect(procedure.categories.contains("naissance"))
        #expect(procedure.institution == "sn-sp-centre-national-detat-civil-cnec")
        #expect(step.costs?.map(\.kind) == [.free])
        #expect(step.timeframe?.untilNextStepDays == MinMax(min: 0, max: 0))
        #expect(step.timeframe?.notes?.fr == "Immédiat.")
        #expect(step.legalBases?.first?.article == "51")
        #expect(step.legalBases?.first?.text.fr == "Code de la Famille")
        #expect(step.office?.fr == "Au centre d'état civil du lieu de naissance.")
        #expect(procedure.eligibility?.fr.hasPrefix("Le père ou la mère") == true)
    }

    @Test func jugementDInscriptionDeNaissance() throws {
        guard let result = Self.dataset() else { return }
        let (procedure, step) = try Self.procedure("sn-sp-demander-un-jugement-dautorisation-dinscription-de-naissance", in: result)
        #expect(step.costs?.map(\.amount) == [4000, 600])
        #expect(step.costs?.allSatisfy { $0.currency == "XOF" } == true)
        #expect(step.timeframe?.untilNextStepDays == MinMax(min: 14, max: 14))
        #expect(step.legalBases?.map(\.article) == ["87"])
        #expect(step.legalBases?.first?.text.fr == "Code de la famille")
        #expect(step.institution == "sn-sp-tribunaux-dinstances-ex-departementaux-ti")
        #expect(step.requirements?.count == 5)
        #expect(step.requirements?[3].certifiedCopies == 1)
        #expect(procedure.sources.first?.date == "2021-02-01")
    }

    @Test func resiliationDUnBail() throws {
        guard let result = Self.dataset() else { return }
        let (procedure, step) = try Self.procedure("sn-sp-demander-la-resiliation-dun-bail", in: result)
        #expect(step.costs?.map(\.amount) == [8000, 4000])
        #expect(step.timeframe?.untilNextStepDays == MinMax(min: 15, max: 30))
        #expect(step.timeframe?.notes?.fr == "15 jours à un mois.")
        #expect(step.legalBases?.first?.text.fr == "Code des obligations civiles et commerciales")
        #expect(step.legalBases?.first?.article == "576")
        #expect(step.results?.map(\.name.fr) == ["Une ordonnance de référé."])
        #expect(step.results?.first?.final == true)
        #expect(procedure.categories.contains("foncier"))
    }

    @Test func sameFicheUnderSeveralThemesIsOneProcedure() throws {
        guard let result = Self.dataset() else { return }
        // Filed under five folders, two of which differ slightly: one procedure, with the categories of all of them.
        let matching = result.document.procedures.filter { $0.id == "sn-sp-declarer-une-naissance" }
        #expect(matching.count == 1)
        let categories = Set(matching.first?.categories ?? [])
        #expect(categories.isSuperset(of: ["naissance", "famille"]))
    }

    @Test func readingTwiceGivesTheSameDocument() throws {
        guard Self.dataset() != nil else { return }
        let first = try ServicePublicImporter.read(directory: Self.dataDirectory)
        let second = try ServicePublicImporter.read(directory: Self.dataDirectory)
        #expect(first.document == second.document)
        #expect(first.report == second.report)
    }
}
