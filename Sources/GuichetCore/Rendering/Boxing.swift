// SPDX-License-Identifier: MPL-2.0
import NIOConcurrencyHelpers
@_spi(Reflection) import Swift

/// Turns a view model into a `TemplateValue` once, before rendering: structs become objects of their stored properties
/// (an absent optional is left out, so a name not set is looked up further out, as Mustache does), arrays and sets
/// lists, dictionaries with text keys objects; texts, numbers and other values their text.
///
/// Each type is read through a plan made once, the first time the type is met: its fields' names and offsets (the
/// standard library's `_forEachField`) and, for each, the plan of its type. `Mirror` found the same fields again for
/// every value, decoding each field's type from its mangled name, and took two fifths of a procedure page's first render.
/// Classes other than the CSRF token, tuples and anything unusual are still read by `Mirror`.
enum TemplateBoxing {
    /// The value of any type, behind an existential (`Any`, `any Sendable`, a field of a protocol type).
    static func box(_ value: Any) -> TemplateValue? {
        func typed<T>(_ opened: T) -> TemplateValue? { boxTyped(opened) }
        return _openExistential(value, do: typed)
    }

    /// A value whose type is known here.
    static func boxTyped<T>(_ value: T) -> TemplateValue? {
        let plan = BoxPlans.plan(for: T.self)
        return withUnsafePointer(to: value) { plan.read(UnsafeRawPointer($0)) }
    }

    /// The former reading, by reflection, for what has no plan of its own.
    static func boxByMirror(_ value: Any) -> TemplateValue? {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return nil }
            return box(wrapped)
        case .collection, .set:
            return .list(mirror.children.compactMap { box($0.value) })
        case .struct, .class:
            var fields: [(String, TemplateValue)] = []
            for child in mirror.children {
                guard let label = child.label, let boxed = box(child.value) else { continue }
                fields.append((label, boxed))
            }
            return .object(TemplateObject(pairs: fields))
        case .dictionary:
            var fields: [(String, TemplateValue)] = []
            for child in mirror.children {
                let pair = Mirror(reflecting: child.value).children
                guard let key = pair.first?.value as? String, let entry = pair.dropFirst().first?.value, let boxed = box(entry) else { continue }
                fields.append((key, boxed))
            }
            return .object(TemplateObject(pairs: fields))
        default:
            return .text(String(describing: value))
        }
    }
}

/// How to read a value of one type from where it lies in memory. Set once, under the plans' lock, before any reader
/// sees it (a type that contains itself, through an array, reaches its own plan while it is being made).
private final class BoxPlan: @unchecked Sendable {
    var reader: ((UnsafeRawPointer) -> TemplateValue?)?

    func read(_ pointer: UnsafeRawPointer) -> TemplateValue? {
        reader?(pointer) ?? nil
    }
}

private enum BoxPlans {
    private static let plans = NIOLockedValueBox<[ObjectIdentifier: BoxPlan]>([:])

    static func plan<T>(for type: T.Type) -> BoxPlan {
        plans.withLockedValue { plans in make(type, &plans) }
    }

    /// The plan of `type`, made (with those of its fields' types) if it is new.
    static func make(_ type: Any.Type, _ plans: inout [ObjectIdentifier: BoxPlan]) -> BoxPlan {
        if let known = plans[ObjectIdentifier(type)] { return known }
        let plan = BoxPlan()
        plans[ObjectIdentifier(type)] = plan
        func typed<T>(_: T.Type) -> (UnsafeRawPointer) -> TemplateValue? { reader(T.self, &plans) }
        plan.reader = _openExistential(type, do: typed)
        return plan
    }

    /// What kind of type `T` is (a struct, an enum, an existential…), read as the kind of a generic struct's field.
    private static func kind<T>(_: T.Type) -> _MetadataKind? {
        var found: _MetadataKind?
        _ = _forEachField(of: Probe<T>.self, options: []) { _, _, _, kind in
            found = kind
            return false
        }
        return found
    }

    private struct Probe<T> {
        let value: T
    }

    private static func reader<T>(_ type: T.Type, _ plans: inout [ObjectIdentifier: BoxPlan]) -> (UnsafeRawPointer) -> TemplateValue? {
        if T.self == String.self { return { .text($0.load(as: String.self)) } }
        if T.self == Bool.self { return { .bool($0.load(as: Bool.self)) } }
        if T.self == Int.self { return { .text(String($0.load(as: Int.self))) } }
        if T.self == CSRFToken.self { return { .token($0.load(as: CSRFToken.self)) } }
        if T.self == TemplateValue.self { return { $0.load(as: TemplateValue.self) } }
        if let optional = T.self as? any TemplateContainer.Type {
            let inner = make(optional.elementType, &plans)
            return { optional.box(at: $0, elements: inner) }
        }
        switch kind(T.self) {
        case .struct:
            var fields: [(name: String, hash: UInt64, offset: Int, plan: BoxPlan)] = []
            let complete = _forEachField(of: T.self, options: []) { name, offset, fieldType, _ in
                let name = String(cString: name)
                fields.append((name, TemplateObject.hash(name), offset, make(fieldType, &plans)))
                return true
            }
            guard complete else { return { TemplateBoxing.boxByMirror($0.load(as: T.self)) } }
            let all = fields
            return { pointer in
                var object = TemplateObject.Builder(capacity: all.count)
                for field in all {
                    if let value = field.plan.read(pointer + field.offset) { object.append(field.name, hash: field.hash, value) }
                }
                return .object(object.object)
            }
        case .enum:
            return { .text(String(describing: $0.load(as: T.self))) }
        case .existential:
            // Read as `Any` outside generic code: a `T` that is `Any`, passed on as `Any`, would stay wrapped in itself.
            if T.self == Any.self || T.self == (any Sendable).self { return { TemplateBoxing.box($0.load(as: Any.self)) } }
            return { TemplateBoxing.boxByMirror($0.load(as: T.self)) }
        default:
            return { TemplateBoxing.boxByMirror($0.load(as: T.self)) }
        }
    }
}

/// An optional, an array, a set or a dictionary with text keys: read with the plan of what it holds.
private protocol TemplateContainer {
    static var elementType: Any.Type { get }
    static func box(at pointer: UnsafeRawPointer, elements: BoxPlan) -> TemplateValue?
}

// These run unspecialised (their type is known only at run time), so they read elements where they lie rather than
// through copies and generic algorithms: `compactMap` and `withUnsafePointer(to:)` looked up generic metadata for every
// optional and array of every page, 6 % of a first render.

extension Optional: TemplateContainer {
    fileprivate static var elementType: Any.Type { Wrapped.self }

    /// A present value lies at the optional's own address (Swift's layout of a single-payload enum: the payload first).
    fileprivate static func box(at pointer: UnsafeRawPointer, elements: BoxPlan) -> TemplateValue? {
        guard pointer.assumingMemoryBound(to: Self.self).pointee != nil else { return nil }
        return elements.read(pointer)
    }
}

extension Array: TemplateContainer {
    fileprivate static var elementType: Any.Type { Element.self }

    fileprivate static func box(at pointer: UnsafeRawPointer, elements: BoxPlan) -> TemplateValue? {
        pointer.assumingMemoryBound(to: Self.self).pointee.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .list([]) }
            let first = UnsafeRawPointer(base)
            let stride = MemoryLayout<Element>.stride
            var items: [TemplateValue] = []
            items.reserveCapacity(buffer.count)
            for index in 0..<buffer.count {
                if let item = elements.read(first + index &* stride) { items.append(item) }
            }
            return .list(items)
        }
    }
}

extension Set: TemplateContainer {
    fileprivate static var elementType: Any.Type { Element.self }

    fileprivate static func box(at pointer: UnsafeRawPointer, elements: BoxPlan) -> TemplateValue? {
        .list(pointer.load(as: Self.self).compactMap { element in withUnsafePointer(to: element) { elements.read(UnsafeRawPointer($0)) } })
    }
}

extension Dictionary: TemplateContainer where Key == String {
    fileprivate static var elementType: Any.Type { Value.self }

    fileprivate static func box(at pointer: UnsafeRawPointer, elements: BoxPlan) -> TemplateValue? {
        let dictionary = pointer.load(as: Self.self)
        var object = TemplateObject.Builder(capacity: dictionary.count)
        for (key, value) in dictionary {
            if let boxed = withUnsafePointer(to: value, { elements.read(UnsafeRawPointer($0)) }) {
                object.append(key, hash: TemplateObject.hash(key), boxed)
            }
        }
        return .object(object.object)
    }
}
