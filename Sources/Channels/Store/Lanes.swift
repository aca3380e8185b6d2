// SPDX-License-Identifier: MPL-2.0

/// Work sent out in lanes: the items of one lane (one phone number, one webhook endpoint) one after another, in their
/// order; up to `width` lanes side by side. A gateway or a receiver answers in tens to hundreds of milliseconds (a
/// stalled one only after its timeout): one item at a time capped a worker at one item per round trip, and let one slow
/// receiver hold up every other.
enum Lanes {
    /// Runs `body` on each lane of `items` (grouped by `lane`, lanes in the order of their first item); the first error a
    /// lane returned, once every lane is done.
    static func run<Item: Sendable>(
        _ items: [Item], lane: (Item) -> String, width: Int, _ body: @escaping @Sendable ([Item]) async -> (any Error)?
    ) async -> (any Error)? {
        var lanes: [String: [Item]] = [:]
        var order: [String] = []
        for item in items {
            let key = lane(item)
            if lanes[key] == nil { order.append(key) }
            lanes[key, default: []].append(item)
        }
        return await withTaskGroup(of: (any Error)?.self) { group -> (any Error)? in
            var first: (any Error)?
            var running = 0
            for key in order {
                if running >= max(1, width), let done = await group.next() {
                    running -= 1
                    first = first ?? done
                }
                let items = lanes[key] ?? []
                group.addTask { await body(items) }
                running += 1
            }
            for await done in group { first = first ?? done }
            return first
        }
    }
}
