// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore

/// The DCAT-AP 3 catalogue of the open data, and the procedures as CPSV-AP public services.
extension OpenDataService {
    static let frequencyAuthority = "http://publications.europa.eu/resource/authority/frequency/"
    static let fileTypeAuthority = "http://publications.europa.eu/resource/authority/file-type/"
    static let themeGovernment = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
    static let languages = [
        "http://publications.europa.eu/resource/authority/language/FRA", "http://publications.europa.eu/resource/authority/language/ENG",
    ]

    var base: String { publication.baseURL + InsightsRoute.openData.path() }
    var catalogueIRI: String { base }
    var publisherIRI: String { base + "#publisher" }
    func datasetIRI(_ dataset: Dataset) -> String { base + "#" + dataset.key }
    func downloadURL(_ name: String) -> String { publication.baseURL + InsightsRoute.file.path(name) }

    /// Titles and descriptions from the locale catalogues, in both languages.
    func texts(_ key: String) -> [RDFGraph.Object] {
        Language.allCases.map { .text(localizer.text("insights.\(key)", $0), language: $0.rawValue) }
    }

    /// The catalogue as files: `catalog.jsonld` and `catalog.ttl`.
    package func catalogueFiles(now: Date) throws -> [OpenDataFile] {
        let graph = catalogue(now: now)
        return [
            OpenDataFile(name: "catalog.jsonld", mediaType: "application/ld+json", body: try graph.jsonLD()),
            OpenDataFile(name: "catalog.ttl", mediaType: "text/turtle; charset=utf-8", body: Data(graph.turtle().utf8)),
        ]
    }

    /// The catalogue, its publisher, every dataset and distribution; `now` is the modification date.
    func catalogue(now: Date) -> RDFGraph {
        var graph = RDFGraph()
        let today = Timestamps.day(now)
        graph.add(catalogueIRI, type: "dcat:Catalog")
        for text in texts("opendata.catalogue_title") { graph.add(catalogueIRI, "dct:title", text) }
        for text in texts("opendata.catalogue_description") { graph.add(catalogueIRI, "dct:description", text) }
        graph.add(catalogueIRI, "dct:publisher", .iri(publisherIRI))
        graph.add(catalogueIRI, "dct:license", .iri(publication.license))
        graph.add(catalogueIRI, "foaf:homepage", .iri(publication.baseURL + "/"))
        graph.add(catalogueIRI, "dct:modified", .typed(today, datatype: "xsd:date"))
        for language in Self.languages { graph.add(catalogueIRI, "dct:language", .iri(language)) }
        for dataset in Self.datasets { graph.add(catalogueIRI, "dcat:dataset", .iri(datasetIRI(dataset))) }

        graph.add(publisherIRI, type: "foaf:Agent")
        graph.add(publisherIRI, "foaf:name", .text(publication.publisher))

        let months = performance.months()
        for dataset in Self.datasets {
            let iri = datasetIRI(dataset)
            graph.add(iri, type: "dcat:Dataset")
            for text in texts("dataset.\(dataset.key).title") { graph.add(iri, "dct:title", text) }
            for text in texts("dataset.\(dataset.key).description") { graph.add(iri, "dct:description", text) }
            graph.add(iri, "dct:identifier", .text(dataset.key))
            graph.add(iri, "dct:publisher", .iri(publisherIRI))
            graph.add(iri, "dcat:theme", .iri(Self.themeGovernment))
            graph.add(iri, "dct:accrualPeriodicity", .iri(Self.frequencyAuthority + dataset.frequency))
            graph.add(iri, "dct:modified", .typed(today, datatype: "xsd:date"))
            graph.add(iri, "dcat:landingPage", .iri(publication.baseURL + InsightsRoute.dictionary.path() + "#" + dataset.key))
            for language in Self.languages { graph.add(iri, "dct:language", .iri(language)) }
            if dataset.monthly, let first = months.first.flatMap(Months.start), let last = months.last.flatMap(Months.end) {
                let period = iri + "-period"
                graph.add(iri, "dct:temporal", .iri(period))
                graph.add(period, type: "dct:PeriodOfTime")
                graph.add(period, "dcat:startDate", .typed(Timestamps.day(first), datatype: "xsd:date"))
                graph.add(period, "dcat:endDate", .typed(Timestamps.day(last.addingTimeInterval(-86_400)), datatype: "xsd:date"))
            }
            for file in dataset.files {
                let distribution = iri + "-" + file.name.replacingOccurrences(of: ".", with: "-")
                graph.add(iri, "dcat:distribution", .iri(distribution))
                graph.add(distribution, type: "dcat:Distribution")
                graph.add(distribution, "dct:title", .text(file.name))
                for text in texts("dataset.\(dataset.key).description") { graph.add(distribution, "dct:description", text) }
                graph.add(distribution, "dcat:accessURL", .iri(downloadURL(file.name)))
                graph.add(distribution, "dcat:downloadURL", .iri(downloadURL(file.name)))
                graph.add(distribution, "dct:format", .iri(Self.fileTypeAuthority + file.format.euCode))
                graph.add(distribution, "dcat:mediaType", .iri("https://www.iana.org/assignments/media-types/" + file.format.ianaType))
                graph.add(distribution, "dct:license", .iri(publication.license))
                if file.format == .csv {
                    graph.add(distribution, "dct:conformsTo", .iri(publication.baseURL + InsightsRoute.dictionary.path() + "#" + dataset.key))
                }
            }
        }
        return graph
    }

    /// The published procedures as CPSV-AP public services: competent authority, channel, costs, evidence, output.
    func proceduresJSONLD() async throws -> Data {
        var graph = RDFGraph()
        for procedure in try await publishedProcedures() {
            let iri = publication.baseURL + CatalogRoute.procedure.path(procedure.id)
            graph.add(iri, type: "cpsv:PublicService")
            graph.add(iri, "dct:identifier", .text(procedure.id))
            graph.add(iri, "dct:title", .text(procedure.title.fr, language: "fr"))
            if let english = procedure.title.en { graph.add(iri, "dct:title", .text(english, language: "en")) }
            if let summary = procedure.summary {
                graph.add(iri, "dct:description", .text(summary.fr, language: "fr"))
                if let english = summary.en { graph.add(iri, "dct:description", .text(english, language: "en")) }
            }
            graph.add(iri, "cv:hasCompetentAuthority", .iri(publication.baseURL + CatalogRoute.institution.path(procedure.institution)))
            graph.add(iri, "dct:spatial", .text(procedure.country))
            let channel = iri + "#channel"
            graph.add(iri, "cv:hasChannel", .iri(channel))
            graph.add(channel, type: "cv:Channel")
            graph.add(channel, "dct:type", .text(procedure.channel.rawValue))
            if let online = procedure.onlineUrl { graph.add(channel, "foaf:page", .text(online)) }
            let steps = procedure.blocks.flatMap(\.steps)
            var costIndex = 0
            var evidenceNames = Set<String>()
            for step in steps {
                for cost in step.costs ?? [] where cost.kind == .amount || cost.kind == .free {
                    costIndex += 1
                    let costIRI = iri + "#cost-\(costIndex)"
                    graph.add(iri, "cv:hasCost", .iri(costIRI))
                    graph.add(costIRI, type: "cv:Cost")
                    graph.add(costIRI, "cv:value", .typed(cost.kind == .free ? "0" : Self.decimal(cost.amount), datatype: "xsd:decimal"))
                    if let currency = cost.currency { graph.add(costIRI, "cv:currency", .text(currency)) }
                    if let label = cost.label { graph.add(costIRI, "dct:description", .text(label.fr, language: "fr")) }
                }
                for requirement in step.requirements ?? [] where evidenceNames.insert(requirement.name.fr).inserted {
                    let evidence = iri + "#evidence-\(evidenceNames.count)"
                    graph.add(iri, "cpsv:hasInput", .iri(evidence))
                    graph.add(evidence, type: "cv:Evidence")
                    graph.add(evidence, "dct:title", .text(requirement.name.fr, language: "fr"))
                }
            }
            for (index, result) in steps.flatMap({ $0.results ?? [] }).filter({ $0.final == true }).enumerated() {
                let output = iri + "#output-\(index + 1)"
                graph.add(iri, "cpsv:produces", .iri(output))
                graph.add(output, type: "cv:Output")
                graph.add(output, "dct:title", .text(result.name.fr, language: "fr"))
            }
        }
        return try graph.jsonLD(pretty: false)
    }
}
