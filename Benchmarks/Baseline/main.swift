// SPDX-License-Identifier: MPL-2.0
// Bare Hummingbird: the same HTTP server as Guichet's, with no middleware, no database and no template. Benchmarks/run
// measures it in the same run as Guichet and prints every figure as a share of it.
//
//   bare-baseline --port 8091 --page-bytes 12000 --json-bytes 4000
//
// `/ping`: "ok", as Guichet's. `/page`: an HTML page of exactly `--page-bytes` bytes with the headers of Guichet's cached
// page (content-type, cache-control). `/json`: a JSON body of exactly `--json-bytes` bytes. Both bodies are made once, in
// memory, and shared by every response, as a server that knows its answers would.
import Foundation
import Hummingbird

var port = 8091
var pageBytes = 12_000
var jsonBytes = 4_000
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let name = arguments.next() {
    guard let value = arguments.next().flatMap(Int.init), value >= 0 else {
        print("usage: bare-baseline [--port N] [--page-bytes N] [--json-bytes N]")
        exit(2)
    }
    switch name {
    case "--port": port = value
    case "--page-bytes": pageBytes = value
    case "--json-bytes": jsonBytes = value
    default:
        print("unknown option \(name)")
        exit(2)
    }
}

/// `head`, then `filler` repeated and cut, then `tail`: exactly `size` bytes (at least the head and tail).
func body(size: Int, head: String, filler: String, tail: String) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeString(head)
    let fillerBytes = Array(filler.utf8)
    var remaining = size - head.utf8.count - tail.utf8.count
    while remaining > 0, !fillerBytes.isEmpty {
        let part = fillerBytes.prefix(remaining)
        buffer.writeBytes(part)
        remaining -= part.count
    }
    buffer.writeString(tail)
    return buffer
}

let page = body(
    size: pageBytes,
    head: "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Baseline</title></head><body><main>",
    filler: "<p>Une d\u{e9}marche administrative, ses pi\u{e8}ces \u{e0} fournir, ses frais et ses d\u{e9}lais.</p>\n",
    tail: "</main></body></html>\n")
let json = body(size: jsonBytes, head: "{\"id\":\"baseline\",\"text\":\"", filler: "Une demarche administrative. ", tail: "\"}")

let router = Router()
router.get("ping") { _, _ in "ok" }
router.get("page") { _, _ -> Response in
    var headers = HTTPFields()
    headers[.contentType] = "text/html; charset=utf-8"
    headers[.cacheControl] = "no-cache"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: page))
}
router.get("json") { _, _ -> Response in
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: json))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "Guichet"))
try await app.runService()
