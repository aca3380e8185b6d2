// SPDX-License-Identifier: MPL-2.0
import Foundation

/// What a step's disputed fact is about, so that the page shows the note beside it.
package enum ConflictTopic: String, Codable, Sendable, CaseIterable {
    case cost, timeframe, requirement, other
}

/// Sources that state the same fact differently. The catalogue keeps every statement with its source instead of
/// choosing one, and the procedure page says that the sources disagree.
package struct Conflict: Codable, Equatable, Sendable {
    package var about: ConflictTopic
    /// What is disputed, in a few words ("the fee of a first card").
    package var subject: LocalizedText
    /// At least two, each with the source that makes it.
    package var statements: [Statement]

    package struct Statement: Codable, Equatable, Sendable {
        package var text: LocalizedText
        package var source: Source

        package init(text: LocalizedText, source: Source) {
            self.text = text
            self.source = source
        }
    }

    package init(about: ConflictTopic, subject: LocalizedText, statements: [Statement]) {
        self.about = about
        self.subject = subject
        self.statements = statements
    }
}
