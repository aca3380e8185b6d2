// SPDX-License-Identifier: MPL-2.0
/// Turns a view model into a `TemplateValue` once, before rendering: structs and classes become objects of their
/// fields (an absent optional is left out, so a name not set is looked up further out, as Mustache does), arrays and sets
/// lists, dictionaries with text keys objects; texts, numbers and other values their text.
///
/// The common types are recognised by their exact type, not by `as?` casts: on Linux, casting a dictionary to a class
/// (`as? CSRFToken`) bridges the whole dictionary to an `NSDictionary` first.
enum TemplateBoxing {
    private static let string = ObjectIdentifier(String.self)
    private static let bool = ObjectIdentifier(Bool.self)
    private static let int = ObjectIdentifier(Int.self)
    private static let token = ObjectIdentifier(CSRFToken.self)
    private static let table = ObjectIdentifier([String: any Sendable].self)

    static func box(_ value: Any) -> TemplateValue? {
        let type = ObjectIdentifier(Swift.type(of: value))
        if type == string, let text = value as? String { return .text(text) }
        if type == bool, let flag = value as? Bool { return .bool(flag) }
        if type == int, let number = value as? Int { return .text(String(number)) }
        if type == token, let csrf = value as? CSRFToken { return .token(csrf) }
        if type == table, let table = value as? [String: any Sendable] { return .table(table) }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return nil }
            return box(wrapped)
        case .collection, .set:
            return .list(mirror.children.compactMap { box($0.value) })
        case .struct, .class:
            var fields: [String: TemplateValue] = [:]
            for child in mirror.children {
                guard let label = child.label, let boxed = box(child.value) else { continue }
                fields[label] = boxed
            }
            return .object(fields)
        case .dictionary:
            var fields: [String: TemplateValue] = [:]
            for child in mirror.children {
                let pair = Mirror(reflecting: child.value).children
                guard let key = pair.first?.value as? String, let entry = pair.dropFirst().first?.value, let boxed = box(entry) else { continue }
                fields[key] = boxed
            }
            return .object(fields)
        default:
            return .text(String(describing: value))
        }
    }
}
