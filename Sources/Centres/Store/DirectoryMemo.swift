// SPDX-License-Identifier: MPL-2.0
import GuichetCore
import NIOConcurrencyHelpers

/// The directory's slowly changing parts (centres, their opening hours and services) kept in memory while the published
/// content's version stays the same: a ticket, a console read or a kiosk screen read them on every request, each a
/// statement (and a centre's JSON decoded) on a reader connection. Only `DirectoryImporter` writes them, and it marks the
/// published content changed, in this process at once and in the others when they next poll; the memo then starts again.
/// Counters and closures are not kept: agents open and close counters all day, and a closure counts from the day it is
/// entered.
final class DirectoryMemo: Sendable {
    private let changes: any PublishedContentChanges
    private let state = NIOLockedValueBox(State())

    private struct State {
        var version = Int.min
        var centres: [String: Centre] = [:]
        var hours: [String: [OpeningSpan]] = [:]
        var services: [String: [CentreService]] = [:]
        var service: [String: CentreService] = [:]
    }

    init(changes: any PublishedContentChanges) {
        self.changes = changes
    }

    /// The value kept under `key` at the current version, or the one `read` gives (kept if the version did not move while
    /// it was read; a nil is not kept, so an unknown id is asked again).
    private func value<T: Sendable>(
        _ path: WritableKeyPath<State, [String: T]>, _ key: String, read: () async throws -> T?
    ) async throws -> T? {
        let version = changes.version
        let kept = state.withLockedValue { state -> T? in
            guard state.version == version else {
                state = State()
                state.version = version
                return nil
            }
            return state[keyPath: path][key]
        }
        if let kept { return kept }
        guard let fresh = try await read() else { return nil }
        state.withLockedValue { state in
            if state.version == version, changes.version == version { state[keyPath: path][key] = fresh }
        }
        return fresh
    }

    func centre(_ id: String, read: () async throws -> Centre?) async throws -> Centre? {
        try await value(\.centres, id, read: read)
    }

    func hours(_ centreId: String, read: () async throws -> [OpeningSpan]) async throws -> [OpeningSpan] {
        try await value(\.hours, centreId, read: read) ?? []
    }

    func services(_ centreId: String, read: () async throws -> [CentreService]) async throws -> [CentreService] {
        try await value(\.services, centreId, read: read) ?? []
    }

    func service(_ id: String, read: () async throws -> CentreService?) async throws -> CentreService? {
        try await value(\.service, id, read: read)
    }
}
