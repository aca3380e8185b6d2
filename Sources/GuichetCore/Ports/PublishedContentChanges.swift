// SPDX-License-Identifier: MPL-2.0
import FluentKit

/// Told when content that the cached public pages show changes outside the catalogue (a form published, a centre's
/// services changed), so that those pages are rebuilt. Implemented by Catalog (its generation, which other server
/// processes poll), called by the features that write such content, wired by the composition root.
package protocol PublishedContentChanges: Sendable {
    /// In the writer's transaction: the published content changed (seen by every process once committed).
    func markChanged(on database: any Database) async throws
    /// After the transaction committed: this process's cached pages are rebuilt at once.
    func refresh() async
    /// The published content's version as this process knows it (it changes with every change, here or elsewhere).
    var version: Int { get }
}

/// For a module built without the catalogue (tests of one feature): nothing is cached, nothing to tell.
package struct NoPublishedContentChanges: PublishedContentChanges {
    package init() {}
    package func markChanged(on database: any Database) async throws {}
    package func refresh() async {}
    package var version: Int { 0 }
}
