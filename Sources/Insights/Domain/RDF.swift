// SPDX-License-Identifier: MPL-2.0
import Foundation

/// A small RDF graph written once and read two ways: Turtle and JSON-LD (a flat `@graph` with compact IRIs). No blank
/// nodes: every resource has an IRI, so that both serialisations name the same things.
struct RDFGraph: Sendable {
    enum Object: Sendable, Equatable {
        case iri(String)
        case text(String, language: String? = nil)
        case typed(String, datatype: String)
    }

    static let prefixes: [(String, String)] = [
        ("dcat", "http://www.w3.org/ns/dcat#"), ("dct", "http://purl.org/dc/terms/"), ("foaf", "http://xmlns.com/foaf/0.1/"),
        ("xsd", "http://www.w3.org/2001/XMLSchema#"), ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("vcard", "http://www.w3.org/2006/vcard/ns#"), ("cpsv", "http://purl.org/vocab/cpsv#"), ("cv", "http://data.europa.eu/m8g/"),
        ("adms", "http://www.w3.org/ns/adms#"),
    ]

    /// Subjects in the order they were first described, each with its (predicate, object) pairs in order.
    private(set) var subjects: [String] = []
    private(set) var statements: [String: [(predicate: String, object: Object)]] = [:]

    mutating func add(_ subject: String, _ predicate: String, _ object: Object) {
        if statements[subject] == nil { subjects.append(subject) }
        statements[subject, default: []].append((predicate, object))
    }

    mutating func add(_ subject: String, type: String) { add(subject, "rdf:type", .iri(type)) }

    /// A compact name (`dct:title`) as a full IRI.
    static func expand(_ name: String) -> String {
        for (prefix, namespace) in prefixes where name.hasPrefix(prefix + ":") { return namespace + name.dropFirst(prefix.count + 1) }
        return name
    }

    // MARK: Turtle

    func turtle() -> String {
        var out = Self.prefixes.map { "@prefix \($0.0): <\($0.1)> .\n" }.joined() + "\n"
        for subject in subjects {
            let pairs = statements[subject] ?? []
            out += "<\(Self.escapeIRI(subject))>\n"
            for (index, pair) in pairs.enumerated() {
                let predicate = pair.predicate == "rdf:type" ? "a" : pair.predicate
                out += "    \(predicate) \(Self.turtle(pair.object))\(index == pairs.count - 1 ? " .\n\n" : " ;\n")"
            }
        }
        return out
    }

    static func turtle(_ object: Object) -> String {
        switch object {
        case .iri(let iri):
            return iri.hasPrefix("http") ? "<\(escapeIRI(iri))>" : iri
        case .text(let value, let language):
            return "\"\(escapeString(value))\"" + (language.map { "@\($0)" } ?? "")
        case .typed(let value, let datatype):
            return "\"\(escapeString(value))\"^^\(datatype)"
        }
    }

    static func escapeString(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04X", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// IRIs built from ids and the configured address: characters Turtle forbids in an IRI are percent-encoded.
    static func escapeIRI(_ iri: String) -> String {
        var out = ""
        for scalar in iri.unicodeScalars {
            if scalar.value <= 0x20 || "<>\"{}|^`\\".unicodeScalars.contains(scalar) {
                out += String(format: "%%%02X", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: JSON-LD

    /// `pretty`: indented (the catalogue, read by people); the data files are compact.
    func jsonLD(pretty: Bool = true) throws -> Data {
        var context: [String: Any] = [:]
        for (prefix, namespace) in Self.prefixes { context[prefix] = namespace }
        var graph: [[String: Any]] = []
        for subject in subjects {
            var node: [String: Any] = ["@id": Self.escapeIRI(subject)]
            for (predicate, object) in statements[subject] ?? [] {
                if predicate == "rdf:type" {
                    if case .iri(let type) = object { node["@type", default: [String]()] = ((node["@type"] as? [String]) ?? []) + [type] }
                    continue
                }
                let value: [String: Any]
                switch object {
                case .iri(let iri): value = ["@id": iri.hasPrefix("http") ? Self.escapeIRI(iri) : iri]
                case .text(let text, let language): value = language.map { ["@value": text, "@language": $0] } ?? ["@value": text]
                case .typed(let text, let datatype): value = ["@value": text, "@type": datatype]
                }
                node[predicate] = ((node[predicate] as? [[String: Any]]) ?? []) + [value]
            }
            graph.append(node)
        }
        return try JSONSerialization.data(
            withJSONObject: ["@context": context, "@graph": graph],
            options: pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes])
    }
}
