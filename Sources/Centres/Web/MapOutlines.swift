// SPDX-License-Identifier: MPL-2.0
import Foundation

/// Country outlines and first-level region boundaries drawn under the centres' map: our simplified derivative of
/// Natural Earth (public domain), written by `Tools/map-outlines.py` into `Resources/Maps/outlines.txt` and read once.
struct MapOutlines: Sendable {
    struct Coordinate: Sendable, Equatable {
        let longitude: Double
        let latitude: Double
    }

    struct Country: Sendable {
        /// Closed rings (a hole is a ring too: the page fills with the even-odd rule).
        var outline: [[Coordinate]] = []
        /// Open lines between regions.
        var regions: [[Coordinate]] = []

        var bounds: (minLatitude: Double, maxLatitude: Double, minLongitude: Double, maxLongitude: Double)? {
            let all = outline.joined()
            guard let minLat = all.map(\.latitude).min(), let maxLat = all.map(\.latitude).max(),
                let minLon = all.map(\.longitude).min(), let maxLon = all.map(\.longitude).max()
            else { return nil }
            return (minLat, maxLat, minLon, maxLon)
        }
    }

    let countries: [String: Country]

    /// The file shipped with the module; empty (maps fall back to a plain grid) if it is missing or unreadable.
    static let shipped: MapOutlines = {
        let url = CentresModule.resources.appendingPathComponent("Maps/outlines.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return MapOutlines(countries: [:]) }
        return parse(text)
    }()

    /// One line per ring or boundary: `SN outline -17.13,14.37 -17.63,14.73 …`; `#` starts a comment. Lines that do
    /// not parse are skipped.
    static func parse(_ text: String) -> MapOutlines {
        var countries: [String: Country] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            guard fields.count >= 4, fields[0].count == 2 else { continue }
            let coordinates = fields.dropFirst(2).compactMap { pair -> Coordinate? in
                let parts = pair.split(separator: ",")
                guard parts.count == 2, let lon = Double(parts[0]), let lat = Double(parts[1]), lon.isFinite, lat.isFinite,
                    (-180...180).contains(lon), (-90...90).contains(lat)
                else { return nil }
                return Coordinate(longitude: lon, latitude: lat)
            }
            guard coordinates.count == fields.count - 2 else { continue }
            let code = String(fields[0])
            switch fields[1] {
            case "outline" where coordinates.count >= 3: countries[code, default: Country()].outline.append(coordinates)
            case "region": countries[code, default: Country()].regions.append(coordinates)
            default: continue
            }
        }
        return MapOutlines(countries: countries)
    }
}
