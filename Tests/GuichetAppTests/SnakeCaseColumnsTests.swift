// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import NIOConcurrencyHelpers
import SQLKit
import Testing

/// The kept conversion reads the same columns as SQLKit's `.convertFromSnakeCase`, for plain keys and for the awkward
/// ones (runs of capitals, digits, underscores, a leading capital, non-ASCII letters).
@Suite struct SnakeCaseColumnsTests {
    /// A row that answers every column and remembers which ones the decoder asked for, in order.
    final class RecordingRow: SQLRow, @unchecked Sendable {
        let asked = NIOLockedValueBox<[String]>([])
        var allColumns: [String] { [] }
        func contains(column: String) -> Bool {
            asked.withLockedValue { $0.append(column) }
            return true
        }
        func decodeNil(column: String) throws -> Bool {
            asked.withLockedValue { $0.append(column) }
            return false
        }
        func decode<D: Decodable>(column: String, as: D.Type) throws -> D {
            asked.withLockedValue { $0.append(column) }
            guard let value = "x" as? D else { throw DecodingError.typeMismatch(D.self, .init(codingPath: [], debugDescription: column)) }
            return value
        }
    }

    /// The keys as the decoder sees them (the raw values), whatever the properties are called here.
    struct Awkward: Decodable {
        let id, issuedAt, serviceId, url, digit, leadingCapital, acronym, digitThenCapital, underscore, single, singleCapital, accents: String
        let trailingAcronym: String
        let optionalField: String?

        enum CodingKeys: String, CodingKey {
            case id, issuedAt, serviceId
            case url = "myURLValue"
            case digit = "aB1c"
            case leadingCapital = "ABc"
            case acronym = "smsID"
            case digitThenCapital = "value2Text"
            case underscore = "line_two"
            case single = "x"
            case singleCapital = "X"
            case accents = "\u{e9}T\u{e9}\u{c9}t\u{e9}"
            case trailingAcronym = "closedAtURL"
            case optionalField
        }
    }

    func columns(_ strategy: SQLRowDecoder.KeyDecodingStrategy) throws -> [String] {
        let row = RecordingRow()
        _ = try row.decode(model: Awkward.self, with: SQLRowDecoder(keyDecodingStrategy: strategy))
        return row.asked.withLockedValue { $0 }
    }

    @Test func readsTheColumnsSQLKitReads() throws {
        let expected = try columns(.convertFromSnakeCase)
        #expect(expected.contains("issued_at") && expected.contains("service_id"))
        #expect(try columns(.snakeCaseColumns) == expected)
        // Kept, then read again from the cache: the same.
        #expect(try columns(.snakeCaseColumns) == expected)
        #expect(SnakeCaseColumns.column(for: "issuedAt") == "issued_at")
    }
}
