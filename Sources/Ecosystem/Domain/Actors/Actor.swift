// SPDX-License-Identifier: MPL-2.0
import Foundation

/// An organisation of the digital ecosystem. Only organisations: never a person, and only public contacts
/// (a switchboard, a general address, a website).
package struct EcosystemActor: Equatable, Sendable, Codable {
    package enum Kind: String, CaseIterable, Codable, Sendable {
        case government, startup, incubator, `operator`, ngo, university, donor
        case unAgency = "un_agency"
    }

    package enum RelationKind: String, CaseIterable, Codable, Sendable {
        case partner, funds, supplies, regulates
    }

    package struct Relation: Equatable, Sendable, Codable {
        package var kind: RelationKind
        /// The id of the other actor.
        package var target: String
        /// Where the relation is stated.
        package var source: String?
    }

    package var id: String
    package var name: String
    package var acronym: String?
    package var kind: Kind
    /// ISO 3166 alpha-2 code or the English short name, as the catalogue's countries.
    package var country: String
    package var sectors: [String] = []
    package var summary: LocalizedSummary?
    package var website: String?
    package var publicContact: String?
    package var relations: [Relation] = []
    /// Where the actor is named (document, page).
    package var sources: [String] = []

    enum CodingKeys: String, CodingKey {
        case id, name, acronym, kind, country, sectors, summary, website, publicContact, relations, sources
    }

    /// Lists may be left out of a file: they are then empty.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        acronym = try container.decodeIfPresent(String.self, forKey: .acronym)
        kind = try container.decode(Kind.self, forKey: .kind)
        country = try container.decode(String.self, forKey: .country)
        sectors = try container.decodeIfPresent([String].self, forKey: .sectors) ?? []
        summary = try container.decodeIfPresent(LocalizedSummary.self, forKey: .summary)
        website = try container.decodeIfPresent(String.self, forKey: .website)
        publicContact = try container.decodeIfPresent(String.self, forKey: .publicContact)
        relations = try container.decodeIfPresent([Relation].self, forKey: .relations) ?? []
        sources = try container.decodeIfPresent([String].self, forKey: .sources) ?? []
    }

    package struct LocalizedSummary: Equatable, Sendable, Codable {
        package var fr: String
        package var en: String?
    }
}

/// The interchange file of actors (`Demo/actors.json`): a list and a format tag.
package struct ActorsDocument: Codable, Sendable {
    package var format: String
    package var actors: [EcosystemActor]

    package static let formatTag = "guichet-actors/1"

    package enum Problem: Error, Equatable, CustomStringConvertible {
        case wrongFormat(String)
        case duplicate(String)
        case unknownTarget(actor: String, target: String)
        case emptyName(String)
        case badWebsite(actor: String)

        package var description: String {
            switch self {
            case .wrongFormat(let tag): return "format is \"\(tag)\", expected \(ActorsDocument.formatTag)"
            case .duplicate(let id): return "actor \(id) is listed twice"
            case .unknownTarget(let actor, let target): return "actor \(actor): relation to unknown actor \(target)"
            case .emptyName(let id): return "actor \(id): empty name"
            case .badWebsite(let actor): return "actor \(actor): website is not an http(s) address"
            }
        }
    }

    /// Checks the whole document before anything is written.
    package func validate(existing: Set<String> = []) throws(Problem) {
        guard format == Self.formatTag else { throw .wrongFormat(format) }
        var ids = Set<String>()
        for actor in actors {
            guard ids.insert(actor.id).inserted else { throw .duplicate(actor.id) }
            if actor.name.trimmingCharacters(in: .whitespaces).isEmpty { throw .emptyName(actor.id) }
            if let website = actor.website, !(website.hasPrefix("https://") || website.hasPrefix("http://")) { throw .badWebsite(actor: actor.id) }
        }
        for actor in actors {
            for relation in actor.relations where !ids.contains(relation.target) && !existing.contains(relation.target) {
                throw .unknownTarget(actor: actor.id, target: relation.target)
            }
        }
    }
}
