// SPDX-License-Identifier: MPL-2.0
/// Category icons as SVG path data (24×24), drawn for Guichet: simple shapes that read at 28 px on any phone.
enum Icons {
    static let paths: [String: String] = [
        "baby": "M12 2a4 4 0 1 1 0 8 4 4 0 0 1 0-8zm-6 20v-5a6 6 0 0 1 12 0v5h-3v-4h-6v4z",
        "id": "M2 5h20v14H2zm2 2v10h16V7zm2 2h5v5H6zm7 0h5v1.5h-5zm0 3h5v1.5h-5zM6 15h12v1H6z",
        "plane": "M21 16v-2l-8-5V3.5a1.5 1.5 0 0 0-3 0V9l-8 5v2l8-2.5V19l-2 1.5V22l3.5-1 3.5 1v-1.5L13 19v-5.5z",
        "scale": "M11 3h2v3h6l3 7a4 4 0 0 1-6 0l3-6h-6v13h5v2H6v-2h5V7H5l3 6a4 4 0 0 1-6 0l3-7h6z",
        "family":
            "M7 3a3 3 0 1 1 0 6 3 3 0 0 1 0-6zm10 0a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM2 21v-7a3 3 0 0 1 3-3h4a3 3 0 0 1 3 3v7zm10 0v-7a3 3 0 0 1 3-3h4a3 3 0 0 1 3 3v7z",
        "briefcase":
            "M9 3h6a2 2 0 0 1 2 2v2h4a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h4V5a2 2 0 0 1 2-2zm0 2v2h6V5zM2 12h20v2H2z",
        "house": "M12 3l10 9h-3v9h-5v-6h-4v6H5v-9H2z",
        "book": "M4 3h7a2 2 0 0 1 1 .3A2 2 0 0 1 13 3h7v16h-7a1 1 0 0 0-1 1 1 1 0 0 0-1-1H4zm2 2v12h5V5zm7 0v12h5V5z",
        "health": "M9 2h6v7h7v6h-7v7H9v-7H2V9h7z",
        "car":
            "M5 11l2-5h10l2 5h2v7h-2v2h-3v-2H8v2H5v-2H3v-7zm2.5-3L6.3 11h11.4l-1.2-3zM6 13a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm12 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
        "work": "M3 20V9l6 4V9l6 4V4h6v16zm13-14v2h3V6z",
        "money": "M2 6h20v12H2zm2 2v8h16V8zm8 1a3 3 0 1 1 0 6 3 3 0 0 1 0-6z",
        "globe":
            "M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm-1 2.1A8 8 0 0 0 4.1 11H8c.1-2.5.9-4.8 3-6.9zm2 0c2.1 2.1 2.9 4.4 3 6.9h3.9A8 8 0 0 0 13 4.1zM10 11h4c-.1-2-.8-3.8-2-5.3-1.2 1.5-1.9 3.3-2 5.3zm-5.9 2A8 8 0 0 0 11 19.9C8.9 17.8 8.1 15.5 8 13zm5.9 0c.1 2 .8 3.8 2 5.3 1.2-1.5 1.9-3.3 2-5.3zm6 0c-.1 2.5-.9 4.8-3 6.9a8 8 0 0 0 6.9-6.9z",
        "people":
            "M12 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM5 7a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zm14 0a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zM7 20v-5a4 4 0 0 1 4-4h2a4 4 0 0 1 4 4v5zm-6 0v-4a3 3 0 0 1 3-3h1.5A5.5 5.5 0 0 0 5 15v5zm22 0h-4v-5a5.5 5.5 0 0 0-.5-2H20a3 3 0 0 1 3 3z",
        "doc": doc,
    ]
    static let doc = "M5 2h10l4 4v16H5zm9 1.5V7h3.5zM8 11h8v1.5H8zm0 3h8v1.5H8zm0 3h6v1.5H8z"

    static func path(_ name: String?) -> String {
        paths[name ?? "doc"] ?? doc
    }
}
