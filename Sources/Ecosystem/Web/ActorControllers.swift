// SPDX-License-Identifier: MPL-2.0
import Catalog
import Foundation
import GuichetCore
import Hummingbird

/// The actors' directory (grouped by kind), one actor's page, the grouped SVG view, and the JSON list.
package struct ActorControllers: Sendable {
    let renderer: Renderer
    let repository: ActorRepository
    let catalog: CatalogRepository

    init(renderer: Renderer, actors: ActorRepository, catalog: CatalogRepository) {
        self.renderer = renderer
        self.repository = actors
        self.catalog = catalog
    }

    /// The JSON routes, as the OpenAPI document writes them.
    package static var apiRoutes: [(method: String, path: String)] { [("GET", EcosystemRoute.openAPIPath(EcosystemRoute.apiActors))] }

    package func addRoutes(to router: Router<AppRequestContext>) {
        router.get(EcosystemRoute.actors, use: list)
        router.get(EcosystemRoute.actorsMap, use: map)
        router.get(EcosystemRoute.actor, use: show)
        router.get(EcosystemRoute.apiActors, use: api)
    }

    func countryNames(_ language: Language) async throws -> [String: String] {
        let countries = try await catalog.countries()
        return Dictionary(countries.map { ($0.code, $0.name.text(for: language.rawValue).text) }, uniquingKeysWith: { a, _ in a })
    }

    static func country(_ code: String) -> String? {
        let trimmed = code.trimmingCharacters(in: .whitespaces).uppercased()
        guard trimmed.utf8.count == 2, trimmed.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        return trimmed
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        var country: String?
        if let raw = EcosystemParameters.optional(request, "country") {
            guard let code = Self.country(raw) else { throw AppError.badParameter("country", value: raw) }
            country = code
        }
        let names = try await countryNames(context.language)
        let everyone = try await repository.all()
        let actors = everyone.filter { country == nil || $0.country == country }
        let groups = EcosystemActor.Kind.allCases.compactMap { kind -> ActorGroup? in
            let members = actors.filter { $0.kind == kind }
            guard !members.isEmpty else { return nil }
            return ActorGroup(
                heading: p.t("actors.kind.\(kind.rawValue)") + " (\(members.count))",
                actors: members.map { actor in
                    ActorItem(
                        href: p.link(EcosystemRoute.actor, actor.id), name: actor.name, acronym: actor.acronym,
                        meta: ([names[actor.country] ?? actor.country] + actor.sectors).joined(separator: " · "))
                })
        }
        let countries = Set(everyone.map(\.country)).sorted().map { code in
            FilterOption(value: code, label: names[code] ?? code, selected: code == country)
        }
        let model = ActorListPage(
            intro: p.t("actors.intro"), countries: countries, langParam: context.languageInQuery ? context.language.rawValue : nil,
            groups: groups, empty: groups.isEmpty, mapHref: p.link(EcosystemRoute.actorsMap))
        return try renderer.page("ecosystem-actors", title: p.t("actors.title"), page: model, request: request, context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.pathValue("id")
        guard let actor = try await repository.actor(id: id) else { throw AppError.notFound("actor_not_found") }
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let names = try await countryNames(context.language)
        let everyone = Dictionary(try await repository.all().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let links = try await repository.relations()
        func item(_ otherId: String, _ key: String) -> RelationItem? {
            guard let other = everyone[otherId] else { return nil }
            return RelationItem(text: p.t(key), href: p.link(EcosystemRoute.actor, other.id), name: other.name)
        }
        let outgoing = links.filter { $0.source == id }.compactMap { item($0.target, "actors.relation.\($0.kind.rawValue)") }
        let incoming = links.filter { $0.target == id }.compactMap { item($0.source, "actors.relation_in.\($0.kind.rawValue)") }
        let summary = actor.summary.map { context.language == .en ? ($0.en ?? $0.fr) : $0.fr }
        let summaryLang = actor.summary.flatMap { context.language == .en && $0.en == nil ? "fr" : nil }
        let model = ActorPage(
            name: actor.name, acronym: actor.acronym, kind: p.t("actors.kind.\(actor.kind.rawValue)"),
            country: names[actor.country] ?? actor.country, sectors: actor.sectors.joined(separator: ", "),
            summary: summary, summaryLang: summaryLang, website: actor.website, publicContact: actor.publicContact,
            relations: outgoing + incoming, sources: actor.sources, backHref: p.link(EcosystemRoute.actors))
        return try renderer.page("ecosystem-actor", title: actor.name, page: model, request: request, context: context)
    }

    @Sendable func map(_ request: Request, context: AppRequestContext) async throws -> Response {
        let p = PageContext(ecosystem: context, localizer: renderer.localizer)
        let actors = try await repository.all()
        let links = try await repository.relations()
        let drawing = ActorMap.draw(actors: actors, links: links) { kind in p.t("actors.kind.\(kind.rawValue)") }
        let byId = Dictionary(actors.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let relations = links.compactMap { link -> MapRelation? in
            guard let source = byId[link.source], let target = byId[link.target] else { return nil }
            return MapRelation(
                source: source.acronym ?? source.name, verb: p.t("actors.relation.\(link.kind.rawValue)"), target: target.acronym ?? target.name)
        }
        let legend = EcosystemActor.RelationKind.allCases.map { MapLegend(kind: $0.rawValue, label: p.t("actors.relation.\($0.rawValue)")) }
        let model = ActorMapPage(
            drawing: drawing, description: p.t("actors.map_description", ["actors": String(actors.count), "relations": String(relations.count)]),
            relations: relations, legend: legend, listHref: p.link(EcosystemRoute.actors))
        return try renderer.page("ecosystem-actors-map", title: p.t("actors.map_title"), page: model, request: request, context: context)
    }

    struct ListDTO: Encodable {
        let items: [EcosystemActor]
        let page: Int
        let perPage: Int
        let total: Int
        let next: String?
    }

    @Sendable func api(_ request: Request, context: AppRequestContext) async throws -> Response {
        var kind: EcosystemActor.Kind?
        if let raw = EcosystemParameters.optional(request, "kind") {
            guard let value = EcosystemActor.Kind(rawValue: raw) else { throw AppError.badParameter("kind", value: raw) }
            kind = value
        }
        var country: String?
        if let raw = EcosystemParameters.optional(request, "country") {
            guard let code = Self.country(raw) else { throw AppError.badParameter("country", value: raw) }
            country = code
        }
        let items = try await repository.all(kind: kind, country: country)
        var response = try JSONResponse.make(ListDTO(items: items, page: 1, perPage: max(items.count, 1), total: items.count, next: nil))
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}

/// The grouped view: one column per kind of actor, a box per actor, a line per relation, drawn on the server.
enum ActorMap {
    static let columnWidth = 200
    static let boxWidth = 176
    static let boxHeight = 30
    static let rowHeight = 40
    static let top = 44

    static func draw(actors: [EcosystemActor], links: [ActorRepository.Link], label: (EcosystemActor.Kind) -> String) -> MapDrawing {
        var columns: [MapColumn] = []
        var boxes: [MapBox] = []
        var positions: [String: (x: Int, y: Int)] = [:]
        var tallest = 0
        for kind in EcosystemActor.Kind.allCases {
            let members = actors.filter { $0.kind == kind }
            guard !members.isEmpty else { continue }
            let x = 8 + columns.count * columnWidth
            columns.append(MapColumn(x: x, label: label(kind)))
            for (row, actor) in members.enumerated() {
                let y = top + row * rowHeight
                positions[actor.id] = (x, y)
                let name = actor.acronym ?? actor.name
                boxes.append(
                    MapBox(
                        x: x, y: y, textX: x + 8, textY: y + 20, width: boxWidth, height: boxHeight,
                        label: name.count > 24 ? String(name.prefix(23)) + "…" : name, title: actor.name,
                        href: EcosystemRoute.actor.path(actor.id)))
            }
            tallest = max(tallest, members.count)
        }
        let edges = links.compactMap { link -> MapEdge? in
            guard let from = positions[link.source], let to = positions[link.target] else { return nil }
            let y1 = from.y + boxHeight / 2
            let y2 = to.y + boxHeight / 2
            let path: String
            if from.x == to.x {
                // Same column: a curve on the right side.
                let side = from.x + boxWidth
                path = "M\(side) \(y1) C\(side + 20) \(y1),\(side + 20) \(y2),\(side) \(y2)"
            } else if from.x < to.x {
                path = "M\(from.x + boxWidth) \(y1) L\(to.x) \(y2)"
            } else {
                path = "M\(from.x) \(y1) L\(to.x + boxWidth) \(y2)"
            }
            return MapEdge(path: path, kind: link.kind.rawValue)
        }
        return MapDrawing(
            width: max(columns.count, 1) * columnWidth + 16, height: top + max(tallest, 1) * rowHeight + 8, columns: columns, boxes: boxes,
            edges: edges)
    }
}

struct ActorItem {
    let href: String
    let name: String
    let acronym: String?
    let meta: String
}

struct ActorGroup {
    let heading: String
    let actors: [ActorItem]
}

struct ActorListPage {
    let intro: String
    let countries: [FilterOption]
    let langParam: String?
    let groups: [ActorGroup]
    let empty: Bool
    let mapHref: String
}

struct RelationItem {
    let text: String
    let href: String
    let name: String
}

struct ActorPage {
    let name: String
    let acronym: String?
    let kind: String
    let country: String
    let sectors: String
    let summary: String?
    let summaryLang: String?
    let website: String?
    let publicContact: String?
    let relations: [RelationItem]
    let sources: [String]
    let backHref: String
}

struct MapColumn {
    let x: Int
    let label: String
}

struct MapBox {
    let x: Int
    let y: Int
    let textX: Int
    let textY: Int
    let width: Int
    let height: Int
    let label: String
    let title: String
    let href: String
}

/// Drawn with SVG attributes, not classes: the public stylesheet stays within the 2G budget of every page.
/// (Stored, not computed: the templates read stored properties only.)
struct MapEdge {
    let path: String
    let kind: String
    let stroke: String
    let dash: String?

    init(path: String, kind: String) {
        self.path = path
        self.kind = kind
        self.stroke = MapLegend.strokes[kind]?.color ?? "#4a4a4a"
        self.dash = MapLegend.strokes[kind]?.dash
    }
}

struct MapDrawing {
    let width: Int
    let height: Int
    let columns: [MapColumn]
    let boxes: [MapBox]
    let edges: [MapEdge]
}

struct MapRelation {
    let source: String
    let verb: String
    let target: String
}

struct MapLegend {
    let kind: String
    let label: String
    let stroke: String
    let dash: String?

    init(kind: String, label: String) {
        self.kind = kind
        self.label = label
        self.stroke = Self.strokes[kind]?.color ?? "#4a4a4a"
        self.dash = Self.strokes[kind]?.dash
    }

    /// Each relation's line: colour, and dashes for those that colour alone would not tell apart.
    static let strokes: [String: (color: String, dash: String?)] = [
        "partner": ("#4a4a4a", nil), "funds": ("#005a3c", "6 3"), "supplies": ("#0b4f9c", nil), "regulates": ("#7a4b00", "2 3"),
    ]
}

struct ActorMapPage {
    let drawing: MapDrawing
    let description: String
    let relations: [MapRelation]
    let legend: [MapLegend]
    let listHref: String
}
