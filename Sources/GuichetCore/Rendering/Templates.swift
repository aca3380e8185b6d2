// SPDX-License-Identifier: MPL-2.0

/// The Mustache templates of every feature, parsed once at start and rendered against `TemplateValue`s.
///
/// The subset of Mustache the templates use: variables (`{{name}}` escaped for HTML, `{{{name}}}` and `{{&name}}` as
/// they are), dotted names (`a.b`, `.a` for the current object only, `.` for the current object), sections and
/// inverted sections, the `empty(…)` and `count(…)` transforms, partials (`{{>name}}`), and inheritance (`{{<parent}}`
/// with `{{$block}}` overrides, outer overrides first). A line that holds nothing but a section, partial, parent or block
/// tag is left out whole, as the specification says; a partial's lines are not re-indented.
///
/// Rendering reads names from enum values rather than through casts and reflection at each tag: the procedure page
/// spent most of its time in those.
package struct TemplateLibrary: Sendable {
    private var templates: [String: [TemplateNode]] = [:]

    package init() {}

    /// Parses `text` and registers it as `name`; throws on a tag that is not closed, closed twice or not known.
    package mutating func register(_ text: String, named name: String) throws {
        templates[name] = try TemplateParser(text: text, name: name).parse()
    }

    /// The partials and parents that templates name but that are not registered: a page would render without them.
    package var missingReferences: [String] {
        func references(_ nodes: [TemplateNode]) -> [String] {
            nodes.flatMap { node -> [String] in
                switch node {
                case .partial(let name): [name]
                case .parent(let name, let overrides): [name] + overrides.values.flatMap(references)
                case .section(_, _, let body), .block(_, let body): references(body)
                case .text, .variable: []
                }
            }
        }
        return Set(templates.values.flatMap(references)).filter { templates[$0] == nil }.sorted()
    }

    /// The text of template `name` rendered with `value` as its context; nil when no such template is registered.
    package func render(_ value: TemplateValue, withTemplate name: String) -> String? {
        guard let nodes = templates[name] else { return nil }
        var renderer = TemplateRenderer(library: self, stack: [value])
        renderer.render(nodes)
        return renderer.output
    }

    fileprivate func nodes(_ name: String) -> [TemplateNode]? { templates[name] }
}

/// What a template reads: texts, flags, lists and objects (the locale tables among them), and the CSRF token (drawn
/// when it is rendered).
package enum TemplateValue: Sendable {
    case text(String)
    case bool(Bool)
    case list([TemplateValue])
    case object(TemplateObject)
    case token(CSRFToken)

    /// The value named `name` in this one, if it is an object.
    func child(_ name: String) -> TemplateValue? {
        switch self {
        case .object(let fields): return fields[name]
        default: return nil
        }
    }

    /// The value named `name` (whose hash is `hash`) in this one, if it is an object.
    func child(_ name: String, hash: UInt64) -> TemplateValue? {
        switch self {
        case .object(let fields): return fields.value(name, hash: hash)
        default: return nil
        }
    }
}

/// A name as written in a tag: its parts, whether it starts at the current object (`.a`), and its transforms from the
/// outermost (`empty(a)`: `["empty"]`).
struct TemplateName: Sendable {
    static let knownTransforms: Set<String> = ["empty", "count"]
    let parts: [String]
    /// Each part's `TemplateObject.hash`, worked out once here rather than at each look-up.
    let hashes: [UInt64]
    let anchored: Bool
    let transforms: [String]

    init(_ text: Substring) throws {
        var inner = text
        var transforms: [String] = []
        while inner.last == ")", let open = inner.firstIndex(of: "(") {
            transforms.append(String(inner[..<open]))
            inner = inner[inner.index(after: open)..<inner.index(before: inner.endIndex)]
        }
        guard !inner.contains("("), !inner.contains(")"), transforms.allSatisfy(Self.knownTransforms.contains) else {
            throw TemplateError.badName(String(text))
        }
        self.transforms = transforms
        anchored = inner.first == "."
        parts = inner.split(separator: ".").map(String.init)
        hashes = parts.map(TemplateObject.hash)
    }
}

indirect enum TemplateNode: Sendable {
    case text(String)
    case variable(TemplateName, escaped: Bool)
    case section(TemplateName, inverted: Bool, [TemplateNode])
    case partial(String)
    /// `{{<name}}`: the parent template, with the blocks this one overrides.
    case parent(String, overrides: [String: [TemplateNode]])
    /// `{{$name}}`: the overriding block if there is one, else this content.
    case block(String, [TemplateNode])
}

package enum TemplateError: Error, CustomStringConvertible {
    case unclosed(template: String, tag: String)
    case unexpectedClose(template: String, tag: String)
    case unknownTag(template: String, tag: String)
    case badName(String)
    case missing([String])

    package var description: String {
        switch self {
        case .unclosed(let template, let tag): "template \(template): {{\(tag)}} is not closed"
        case .unexpectedClose(let template, let tag): "template \(template): {{/\(tag)}} closes nothing open"
        case .unknownTag(let template, let tag): "template \(template): {{\(tag)}} is not a tag this renderer knows"
        case .badName(let name): "a tag's name cannot be read (or its transform is not empty or count): \(name)"
        case .missing(let names): "templates named but not found: \(names.joined(separator: ", "))"
        }
    }
}

/// Reads a template's text into nodes.
private struct TemplateParser {
    let text: String
    let name: String

    /// One tag as found: its kind (the sigil, or nil for a variable), its content, and where it lies in the text.
    private struct Tag {
        let sigil: Character?
        let content: Substring
        let start: String.Index
        let end: String.Index
        let triple: Bool
    }

    private enum Piece {
        case text(Substring)
        case tag(Tag)
    }

    func parse() throws -> [TemplateNode] {
        var index = 0
        return try build(Self.standalone(try lex()), &index, closing: nil)
    }

    /// The text cut into literal text and tags.
    private func lex() throws -> [Piece] {
        var pieces: [Piece] = []
        var cursor = text.startIndex
        while let open = text[cursor...].range(of: "{{") {
            if open.lowerBound > cursor { pieces.append(.text(text[cursor..<open.lowerBound])) }
            let triple = text[open.upperBound...].first == "{"
            let bodyStart = triple ? text.index(after: open.upperBound) : open.upperBound
            let closer = triple ? "}}}" : "}}"
            guard let close = text[bodyStart...].range(of: closer) else {
                throw TemplateError.unclosed(template: name, tag: String(text[open.lowerBound...].prefix(30)))
            }
            var content = text[bodyStart..<close.lowerBound]
            var sigil: Character?
            if triple {
                sigil = "&"
            } else if let first = content.first, "#^/>$<&!%=".contains(first) {
                sigil = first
                content = content.dropFirst()
            }
            content = content.drop { $0 == " " }
            while content.last == " " { content = content.dropLast() }
            if sigil == "=" { throw TemplateError.unknownTag(template: name, tag: "=" + content) }
            pieces.append(.tag(Tag(sigil: sigil, content: content, start: open.lowerBound, end: close.upperBound, triple: triple)))
            cursor = close.upperBound
        }
        if cursor < text.endIndex { pieces.append(.text(text[cursor...])) }
        return pieces
    }

    /// Leaves out the lines that hold only a tag that renders no text of its own there (a section's opening or
    /// closing, a partial, a parent, a block, a comment, a pragma), with their indentation and line break. Each tag is
    /// judged on the text as written; a text between two such lines loses its end to one and its start to the other.
    private static func standalone(_ pieces: [Piece]) -> [Piece] {
        var starts: [Int: String.Index] = [:]
        var ends: [Int: String.Index] = [:]
        for position in pieces.indices {
            guard case .tag(let tag) = pieces[position], let sigil = tag.sigil, "#^/>$<!%".contains(sigil) else { continue }
            // Before: the line's start (or the template's), then only blanks.
            var lineStart: String.Index?
            if position > 0 {
                guard case .text(let text) = pieces[position - 1] else { continue }
                let newline = text.lastIndex(of: "\n")
                if newline == nil && position > 1 { continue }
                let start = newline.map { text.index(after: $0) } ?? text.startIndex
                guard text[start...].allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
                lineStart = start
            }
            // After: only blanks, then a line break or the template's end.
            var afterStart: String.Index?
            if position + 1 < pieces.count {
                guard case .text(let text) = pieces[position + 1] else { continue }
                let rest = text.drop { $0 == " " || $0 == "\t" }
                if rest.isEmpty {
                    if position + 2 < pieces.count { continue }
                    afterStart = rest.startIndex
                } else if rest.first == "\r\n" || rest.first == "\n" {
                    afterStart = rest.index(after: rest.startIndex)
                } else {
                    continue
                }
            }
            if let lineStart { ends[position - 1] = lineStart }
            if let afterStart { starts[position + 1] = afterStart }
        }
        return pieces.indices.map { position in
            guard case .text(let text) = pieces[position] else { return pieces[position] }
            let start = starts[position] ?? text.startIndex
            let end = max(start, ends[position] ?? text.endIndex)
            return .text(text[start..<end])
        }
    }

    private func build(_ pieces: [Piece], _ index: inout Int, closing: String?) throws -> [TemplateNode] {
        var nodes: [TemplateNode] = []
        while index < pieces.count {
            let piece = pieces[index]
            index += 1
            switch piece {
            case .text(let text):
                if !text.isEmpty { nodes.append(.text(String(text))) }
            case .tag(let tag):
                let content = String(tag.content)
                switch tag.sigil {
                case nil:
                    nodes.append(.variable(try TemplateName(tag.content), escaped: true))
                case "&":
                    nodes.append(.variable(try TemplateName(tag.content), escaped: false))
                case "#", "^":
                    let body = try build(pieces, &index, closing: content)
                    nodes.append(.section(try TemplateName(tag.content), inverted: tag.sigil == "^", body))
                case "/":
                    guard content == closing else { throw TemplateError.unexpectedClose(template: name, tag: content) }
                    return nodes
                case ">":
                    nodes.append(.partial(content))
                case "<":
                    let body = try build(pieces, &index, closing: content)
                    var overrides: [String: [TemplateNode]] = [:]
                    for case .block(let block, let blockNodes) in body { overrides[block] = blockNodes }
                    nodes.append(.parent(content, overrides: overrides))
                case "$":
                    nodes.append(.block(content, try build(pieces, &index, closing: content)))
                case "!", "%":
                    continue
                default:
                    throw TemplateError.unknownTag(template: name, tag: content)
                }
            }
        }
        if let closing { throw TemplateError.unclosed(template: name, tag: closing) }
        return nodes
    }
}

/// One render: the context stack, the blocks overridden by the templates that inherit, and the text so far.
private struct TemplateRenderer {
    let library: TemplateLibrary
    var stack: [TemplateValue]
    var overrides: [String: [TemplateNode]] = [:]
    var output = ""

    init(library: TemplateLibrary, stack: [TemplateValue]) {
        self.library = library
        self.stack = stack
        output.reserveCapacity(16_384)
    }

    mutating func render(_ nodes: [TemplateNode]) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .variable(let name, let escaped):
                guard let value = lookup(name) else { continue }
                write(value, escaped: escaped)
            case .section(let name, let inverted, let body):
                section(lookup(name), inverted: inverted, body)
            case .partial(let partial):
                if let nodes = library.nodes(partial) { render(nodes) }
            case .parent(let parent, let blocks):
                guard let nodes = library.nodes(parent) else { continue }
                let saved = overrides
                // The outer template's overrides win over the inner one's.
                overrides = blocks.merging(saved) { _, outer in outer }
                render(nodes)
                overrides = saved
            case .block(let block, let content):
                render(overrides[block] ?? content)
            }
        }
    }

    private mutating func write(_ value: TemplateValue, escaped: Bool) {
        let text: String
        switch value {
        case .text(let string): text = string
        case .bool(let flag): text = flag ? "true" : "false"
        case .token(let token): text = token.value
        case .list, .object: return
        }
        if escaped { HTMLEscaping.append(text, to: &output) } else { output += text }
    }

    private mutating func section(_ value: TemplateValue?, inverted: Bool, _ body: [TemplateNode]) {
        switch value {
        case nil:
            if inverted { render(body) }
        case .bool(let flag):
            if flag != inverted { render(body) }
        case .list(let items):
            if inverted {
                if items.isEmpty { render(body) }
                return
            }
            for item in items {
                stack.append(item)
                render(body)
                stack.removeLast()
            }
        case .some(let value):
            if inverted { return }
            stack.append(value)
            render(body)
            stack.removeLast()
        }
    }

    private func lookup(_ name: TemplateName) -> TemplateValue? {
        guard var value = find(name) else { return nil }
        for transform in name.transforms.reversed() {
            guard let transformed = Self.apply(transform, to: value) else { return nil }
            value = transformed
        }
        return value
    }

    private func find(_ name: TemplateName) -> TemplateValue? {
        guard let first = name.parts.first, let firstHash = name.hashes.first else { return name.transforms.isEmpty ? stack.last : nil }
        var found: TemplateValue?
        if name.anchored {
            found = stack.last?.child(first, hash: firstHash)
        } else {
            var level = stack.count - 1
            while found == nil, level >= 0 {
                found = stack[level].child(first, hash: firstHash)
                level -= 1
            }
        }
        guard var value = found else { return nil }
        for (part, hash) in zip(name.parts, name.hashes).dropFirst() {
            guard let next = value.child(part, hash: hash) else { return nil }
            value = next
        }
        return value
    }

    private static func apply(_ transform: String, to value: TemplateValue) -> TemplateValue? {
        switch (transform, value) {
        case ("empty", .list(let items)): .bool(items.isEmpty)
        case ("empty", .text(let text)): .bool(text.isEmpty)
        case ("empty", .object(let fields)): .bool(fields.isEmpty)
        case ("count", .list(let items)): .text(String(items.count))
        default: nil
        }
    }
}
