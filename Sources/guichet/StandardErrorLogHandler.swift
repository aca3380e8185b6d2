// SPDX-License-Identifier: MPL-2.0
import Foundation
import Logging

/// Log lines on standard error, in the same format as swift-log's `StreamLogHandler`
/// (`2026-12-07T03:30:40+0000 info guichet: key=value [module] message`), but the metadata is written out only when a
/// line is. `StreamLogHandler` formats its metadata again on every change, and the HTTP server sets the request id on
/// every request's logger, so every request paid for text that, below the log level, nobody reads.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            all.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            all.merge(explicit) { _, explicit in explicit }
        }
        if let error = event.error {
            all["error.message"] = "\(error)"
            all["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let pretty = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        var line = "\(Self.timestamp()) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(pretty) [\(event.source)] \(event.message)\n"
        line.withUTF8 { bytes in
            // One unbuffered write per line, so that lines from several threads never interleave.
            _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count)
        }
    }

    /// Local time as `%Y-%m-%dT%H:%M:%S%z`, as `StreamLogHandler` writes it.
    static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "<unknown>" }
        var buffer = [Int8](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
