// SPDX-License-Identifier: MPL-2.0
/// Turns a view model into nested `[String: Any]` dictionaries once, before rendering.
/// swift-mustache looks names up with `Mirror` on structs — at every tag and for every level of the context
/// stack — but reads dictionaries directly; reflecting each value once made the procedure page several times faster.
enum MustacheBoxing {
    static func box(_ value: Any) -> Any? {
        switch value {
        case let text as String: return text
        case let token as CSRFToken: return token
        case let flag as Bool: return flag
        case let number as Int: return number
        case let number as Double: return number
        case let dictionary as [String: any Sendable]: return dictionary
        case let dictionary as [String: Any]: return dictionary
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return nil }
            return box(wrapped)
        case .collection, .set:
            return mirror.children.compactMap { box($0.value) }
        case .struct, .class:
            var result: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label, let boxed = box(child.value) else { continue }
                result[label] = boxed
            }
            return result
        default:
            return value
        }
    }
}
