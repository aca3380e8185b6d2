// SPDX-License-Identifier: MPL-2.0
@testable import Catalog

/// A small catalogue built in code: one country, two institutions, one procedure with every kind of block.
enum Fixtures {
    static let country = Country(code: "SN", name: LocalizedText(fr: "Sénégal", en: "Senegal"), currency: "XOF", timeZone: "Africa/Dakar")
    static let category = Category(id: "naissance", name: LocalizedText(fr: "Naissance", en: "Birth"))
    static let townHall = Institution(
        id: "sn-mairie-test", country: "SN", kind: .commune, name: LocalizedText(fr: "Mairie de test", en: "Test town hall"),
        hours: [OpeningHours(days: [1, 2, 3, 4, 5], opens: "08:00", closes: "16:00")])
    static let court = Institution(id: "sn-tribunal-test", country: "SN", kind: .court, name: LocalizedText(fr: "Tribunal de test"))

    static func step(
        _ title: String, institution: String? = "sn-mairie-test", costs: [Cost] = [], minutes: MinMax? = nil, days: MinMax? = nil,
        requirements: [String] = []
    ) -> Step {
        Step(
            title: LocalizedText(fr: title), institution: institution,
            requirements: requirements.map { Requirement(name: LocalizedText(fr: $0), originals: 1) }, costs: costs,
            timeframe: minutes == nil && days == nil ? nil : Timeframe(atCounterMinutes: minutes, untilNextStepDays: days))
    }

    static func amount(_ value: Double) -> Cost {
        Cost(kind: .amount, amount: value, currency: "XOF")
    }

    static func procedure(id: String = "sn-test-naissance", blocks: [Block]? = nil, titleEn: String? = "Birth registration") -> Procedure {
        Procedure(
            id: id, country: "SN", title: LocalizedText(fr: "Déclaration de naissance de test", en: titleEn),
            summary: LocalizedText(fr: "Déclarer la naissance d'un enfant.", en: nil), audience: [.citizen], categories: ["naissance"],
            institution: "sn-mairie-test", channel: .counter, keywords: Keywords(fr: ["acte de naissance", "état civil"], en: ["birth"]),
            status: .published, version: 1, lastReviewed: "2026-11-22",
            sources: [Source(title: "Code de la famille", url: "https://example.org/code", date: "2026-11-22")],
            blocks: blocks ?? [
                Block(
                    mode: .sequence,
                    steps: [
                        step("Déclarer", costs: [Cost(kind: .free)], minutes: MinMax(min: 10, max: 30), requirements: ["Certificat d'accouchement"])
                    ])
            ])
    }

    static func document(procedures: [Procedure] = [procedure()]) -> CatalogDocument {
        CatalogDocument(countries: [country], categories: [category], institutions: [townHall, court], procedures: procedures)
    }
}
