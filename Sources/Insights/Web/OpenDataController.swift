// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// `/opendata`: the datasets with their files, the DCAT-AP catalogue (JSON-LD and Turtle) and the data dictionary.
struct OpenDataController: Sendable {
    let renderer: Renderer
    let service: OpenDataService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(InsightsRoute.openData, use: index)
        router.get(InsightsRoute.dictionary, use: dictionary)
        router.get(InsightsRoute.catalogJSONLD, use: catalogJSONLD)
        router.get(InsightsRoute.catalogTurtle, use: catalogTurtle)
        router.get(InsightsRoute.file, use: file)
    }

    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.insights(context, renderer)
        let model = OpenDataPage(
            license: service.publication.license, jsonld: InsightsRoute.catalogJSONLD.path(), turtle: InsightsRoute.catalogTurtle.path(),
            dictionary: page.link(InsightsRoute.dictionary.path()),
            datasets: OpenDataService.datasets.map { dataset in
                DatasetItem(
                    key: dataset.key, title: page.t("dataset.\(dataset.key).title"), description: page.t("dataset.\(dataset.key).description"),
                    frequency: page.t("frequency.\(dataset.frequency)"),
                    files: dataset.files.map { FileLink(name: $0.name, href: InsightsRoute.file.path($0.name)) }, columns: [])
            })
        return try renderer.page("insights-opendata", title: page.t("opendata.title"), page: model, request: request, context: context)
    }

    @Sendable func dictionary(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.insights(context, renderer)
        let datasets = OpenDataService.datasets.map { dataset in
            DatasetItem(
                key: dataset.key, title: page.t("dataset.\(dataset.key).title"), description: page.t("dataset.\(dataset.key).description"),
                frequency: page.t("frequency.\(dataset.frequency)"),
                files: dataset.files.map { FileLink(name: $0.name, href: InsightsRoute.file.path($0.name)) },
                columns: dataset.columns.enumerated().map {
                    ColumnItem(position: String($0.offset + 1), name: $0.element, meaning: page.t("column.\($0.element)"))
                })
        }
        let model = DictionaryPage(datasets: datasets, back: page.link(InsightsRoute.openData.path()))
        return try renderer.page("insights-dictionary", title: page.t("dictionary.title"), page: model, request: request, context: context)
    }

    @Sendable func catalogJSONLD(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.download(try service.catalogue(now: service.performance.clock.now).jsonLD(), mediaType: "application/ld+json", name: "catalog.jsonld")
    }

    @Sendable func catalogTurtle(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.download(
            Data(service.catalogue(now: service.performance.clock.now).turtle().utf8), mediaType: "text/turtle; charset=utf-8", name: "catalog.ttl")
    }

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.pathValue("name")
        guard name.utf8.count <= 64, let file = try await service.file(named: name) else { throw AppError.notFound() }
        return Self.download(file.body, mediaType: file.mediaType, name: file.name)
    }

    static func download(_ body: Data, mediaType: String, name: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = mediaType
        headers[.contentDisposition] = "inline; filename=\"\(name)\""
        headers[.cacheControl] = "public, max-age=300"
        headers[.accessControlAllowOrigin] = "*"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

struct OpenDataPage {
    let license: String
    let jsonld: String
    let turtle: String
    let dictionary: String
    let datasets: [DatasetItem]
}

struct DictionaryPage {
    let datasets: [DatasetItem]
    let back: String
}

struct DatasetItem {
    let key: String
    let title: String
    let description: String
    let frequency: String
    let files: [FileLink]
    let columns: [ColumnItem]
}

struct FileLink {
    let name: String
    let href: String
}

struct ColumnItem {
    let position: String
    let name: String
    let meaning: String
}
