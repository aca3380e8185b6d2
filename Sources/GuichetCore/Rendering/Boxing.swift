// SPDX-License-Identifier: MPL-2.0
/// Turns a view model into nested `[String: Any]` dictionaries once, before rendering.
/// swift-mustache looks names up with `Mirror` on structs — at every tag and for every level of the context
/// stack — but reads dictionaries directly; reflecting each value once made the procedure page several times faster.
///
/// Values that need no boxing are recognised by their exact type, not by `as?` casts: on Linux, casting a dictionary to
/// a class (`as? CSRFToken`) bridges the whole dictionary to an `NSDictionary` first, and the translation table went
/// through that on every render (a quarter of a procedure page's CPU).
enum MustacheBoxing {
    /// The types handed to the renderer as they are.
    private static let kept: Set<ObjectIdentifier> = [
        ObjectIdentifier(String.self), ObjectIdentifier(CSRFToken.self), ObjectIdentifier(Bool.self), ObjectIdentifier(Int.self),
        ObjectIdentifier(Double.self), ObjectIdentifier([String: any Sendable].self), ObjectIdentifier([String: Any].self),
    ]

    static func box(_ value: Any) -> Any? {
        if kept.contains(ObjectIdentifier(type(of: value))) { return value }
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
