// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import GuichetTesting
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Catalog

@Suite struct PagesTests {
    func firstProcedureHref(_ html: String) -> String? {
        html.firstMatch(of: /href="(\/procedures\/[a-z0-9-]+)/).map { String($0.1) }
    }

    @Test func homeInFrenchAndEnglish() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("<html lang=\"fr\">"))
                #expect(response.text.contains("Vos démarches administratives"))
                #expect(response.text.contains("Naissance et état civil"))
                #expect(response.headers[.contentLanguage] == "fr")
            }
            try await client.execute(uri: "/?lang=en", method: .get) { response in
                #expect(response.text.contains("<html lang=\"en\">"))
                #expect(response.text.contains("Your administrative procedures"))
                #expect(response.headers[.setCookie]?.contains("lang=en") == true)
            }
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "en-GB,en;q=0.9,fr;q=0.5"]) { response in
                #expect(response.text.contains("<html lang=\"en\">"))
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "lang=en"]) { response in
                #expect(response.text.contains("<html lang=\"en\">"))
            }
        }
    }

    @Test func procedurePageShowsDocumentsCostTimeAndPlace() async throws {
        try await TestApp.withClient(seed: .demo) { client, _ in
            let href = try await client.execute(uri: "/search?q=casier+judiciaire", method: .get) { response in
                #expect(response.status == .ok)
                return firstProcedureHref(response.text)
            }
            let path = try #require(href)
            try await client.execute(uri: path, method: .get) { response in
                let html = response.text
                #expect(response.status == .ok)
                for heading in ["Le total", "Les étapes", "Liste des documents à apporter", "Où aller", "Sources", "Coût", "Délai"] {
                    #expect(html.contains(heading), "missing \(heading)")
                }
                #expect(html.contains("<ol class=\"steps plain\">"))
                #expect(html.utf8.count < 20_480, "procedure page is \(html.utf8.count) bytes")
            }
            try await client.execute(uri: path + "?lang=en", method: .get) { response in
                let html = response.text
                for heading in ["In total", "Steps", "Checklist of documents to bring", "Where to go", "Sources"] {
                    #expect(html.contains(heading), "missing \(heading)")
                }
            }
        }
    }

    @Test func englishFallsBackToFrenchAndSaysSo() async throws {
        let procedure = Fixtures.procedure(titleEn: nil)
        try await TestApp.withClient(seed: .documents([Fixtures.document(procedures: [procedure])])) { client, _ in
            try await client.execute(uri: "/procedures/\(procedure.id)?lang=en", method: .get) { response in
                #expect(response.text.contains("<h1 lang=\"fr\">Déclaration de naissance de test</h1>"))
                #expect(response.text.contains("exists in French only"))
            }
            try await client.execute(uri: "/procedures/\(procedure.id)", method: .get) { response in
                #expect(!response.text.contains("qu&#39;en français"))
                #expect(response.text.contains("<h1>Déclaration de naissance de test</h1>"))
            }
        }
    }

    @Test func draftsAreNotPublic() async throws {
        var draft = Fixtures.procedure(id: "sn-test-brouillon")
        draft.status = .draft
        try await TestApp.withClient(seed: .documents([Fixtures.document(procedures: [Fixtures.procedure(), draft])])) { client, _ in
            try await client.execute(uri: "/procedures/sn-test-brouillon", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/procedures/sn-test-brouillon", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/procedures", method: .get) { response in
                #expect(!response.text.contains("sn-test-brouillon"))
            }
        }
    }

    @Test func categoryInstitutionAndListPages() async throws {
        try await TestApp.withClient(seed: .documents([Fixtures.document()])) { client, _ in
            try await client.execute(uri: "/categories/naissance", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("/procedures/sn-test-naissance"))
            }
            try await client.execute(uri: "/institutions/sn-mairie-test", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Mairie de test"))
                #expect(response.text.contains("lundi–vendredi : 08:00 – 16:00"))
                #expect(response.text.contains("/procedures/sn-test-naissance"))
            }
            try await client.execute(uri: "/procedures?country=SN", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("/procedures/sn-test-naissance"))
            }
        }
    }

    @Test func errorsArePagesInTheUsersLanguage() async throws {
        try await TestApp.withClient(seed: .documents([Fixtures.document()])) { client, _ in
            try await client.execute(uri: "/procedures/nope", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("Page introuvable"))
                #expect(response.text.contains("Cette démarche n&#39;existe pas"))
            }
            try await client.execute(uri: "/procedures/nope?lang=en", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("Page not found"))
            }
            try await client.execute(uri: "/no/such/page", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("Page introuvable"))
            }
            try await client.execute(uri: "/procedures?page=abc", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("« page »"))
            }
            try await client.execute(uri: "/procedures?country=XX", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/search?q=" + String(repeating: "a", count: 300), method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func searchPageWithAndWithoutQuery() async throws {
        try await TestApp.withClient(seed: .documents([Fixtures.document()])) { client, _ in
            try await client.execute(uri: "/search", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Tapez un mot"))
            }
            try await client.execute(uri: "/search?q=ETAT+CIVIL&lang=en", method: .get) { response in
                #expect(response.text.contains("1 procedure found."))
                #expect(response.text.contains("/procedures/sn-test-naissance?lang=en"))
                #expect(response.text.contains("value=\"ETAT CIVIL\""))
            }
            try await client.execute(uri: "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", method: .get) { response in
                #expect(response.status == .ok)
                #expect(!response.text.contains("<script>"))
            }
        }
    }

    @Test func headersGzipAndOperations() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            try await client.execute(uri: "/", method: .get, headers: [.acceptEncoding: "gzip"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("\"database\":\"ok\""))
            }
            try await client.execute(uri: "/ping", method: .get) { response in
                #expect(response.text == "ok")
            }
            // Not for the public: without the metrics token (and not from this machine), /metrics is not there.
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: components.stylesheet.versionedPath, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl]?.contains("immutable") == true)
                let etag = try #require(response.headers[.eTag])
                try await client.execute(uri: "/static/guichet.css", method: .get, headers: [.ifNoneMatch: etag]) { cached in
                    #expect(cached.status == .notModified)
                }
            }
        }
    }

    @Test func metricsNeedTheirToken() async throws {
        let token = "metrics-token-for-tests-0123456789"
        let configure: @Sendable (inout AppConfiguration) -> Void = { $0.metricsToken = token }
        try await TestApp.withClient(configure: configure) { client, _ in
            #expect(try await client.execute(uri: "/metrics", method: .get) { $0.status } == .notFound)
            #expect(
                try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong-token-0123456789"]) { $0.status }
                    == .notFound)
            for _ in 0..<3 { _ = try await client.execute(uri: "/ping", method: .get) { $0.status } }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                // Each request counted under its route, method and status (the first /metrics answered 404 twice).
                let lines = response.text.split(separator: "\n")
                #expect(lines.contains { $0.hasPrefix("hb_requests{") && $0.contains("\"/ping\"") && $0.contains("\"200\"") && $0.hasSuffix(" 3") })
                #expect(
                    lines.contains { $0.hasPrefix("hb_requests{") && $0.contains("\"/metrics\"") && $0.contains("\"404\"") && $0.hasSuffix(" 2") })
                #expect(lines.contains { $0.hasPrefix("http_server_request_duration") && $0.contains("\"/ping\"") })
            }
        }
    }

    /// What other features offer about a procedure ends its last line (a digitalisation need, from the ecosystem); the
    /// page is the same for every visitor (it is cached per language), so its links never depend on who is signed in.
    @Test func procedurePageShowsTheActionsOfferedTheSameToEveryone() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let css = try await client.execute(uri: "/static/guichet.css", method: .get) { $0.body.readableBytes }
            let id = "sn-casier-judiciaire"
            // Rendered first for a signed-in editor, kept, then served to a visitor: nothing of the editor's in it.
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            let signedIn = try await editor.get(CatalogRoute.procedure.path(id)).text
            #expect(!signedIn.contains("sign-out") && !signedIn.contains("Test catalog_editor"))
            let anonymous = try await client.execute(uri: CatalogRoute.procedure.path(id), method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes + css <= 20_480, "\(response.body.readableBytes) + \(css) bytes")
                return response.text
            }
            #expect(signedIn == anonymous)
            // After the link to the procedure's data, at the end of its last line.
            let footer = /\/api\/v1\/procedures\/[^"]+">[^<]+<\/a> · <a href="([^"]+)">([^<]+)<\/a><\/p>/
            let french = try #require(anonymous.firstMatch(of: footer).map { (String($0.1), String($0.2)) })
            #expect(french.0.contains(id), "the footer's action is about the procedure: \(french.0)")
            let english = try await client.execute(uri: CatalogRoute.procedure.path(id) + "?lang=en", method: .get) { response in
                #expect(response.body.readableBytes + css <= 20_480)
                return response.text
            }
            let translated = try #require(english.firstMatch(of: footer).map { (String($0.1), String($0.2)) })
            #expect(translated.0 == french.0 + "?lang=en")
            #expect(translated.1 != french.1, "the action's label is translated")
        }
    }

    @Test func everyPublicPageStaysUnder20KB() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let css = try await client.execute(uri: "/static/guichet.css", method: .get) { $0.body.readableBytes }
            let demo = try TestApp.demoDocument()
            var uris = ["/", "/?lang=en", "/search?q=naissance", "/search?q=naissance&lang=en", "/procedures?country=SN"]
            uris += demo.procedures.flatMap { ["/procedures/\($0.id)", "/procedures/\($0.id)?lang=en"] }
            for uri in uris {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.body.readableBytes + css <= 20_480, "\(uri): \(response.body.readableBytes) + \(css) bytes")
                }
            }
        }
    }
}

@Suite struct PageCacheTests {
    /// A page is kept between requests, and a change of the catalogue shows at once.
    @Test func aChangedProcedureShowsAtOnce() async throws {
        try await TestApp.withClient(seed: .documents([Fixtures.document()])) { client, components in
            try await client.execute(uri: "/procedures/sn-test-naissance", method: .get) { response in
                #expect(response.text.contains("Déclaration de naissance de test"))
            }
            #expect(components.cache.count == 1)
            var changed = Fixtures.procedure()
            changed.title.fr = "Déclaration de naissance, nouvelle version"
            try await CatalogRepository(database: components.database.db, changes: components.cache.generation)
                .importDocument(Fixtures.document(procedures: [changed]), actor: "test")
            try await client.execute(uri: "/procedures/sn-test-naissance", method: .get) { response in
                #expect(response.text.contains("nouvelle version"))
            }
            try await client.execute(uri: "/procedures/sn-test-naissance", method: .get, headers: [.acceptEncoding: "gzip"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
            }
        }
    }

    /// Another process's change reaches this one through the generation in the database.
    @Test func aChangeByAnotherProcessIsSeenByPolling() async throws {
        try await TestApp.withComponents(seed: .documents([Fixtures.document()])) { components in
            let before = components.cache.generation.current
            var changed = Fixtures.procedure()
            changed.version = 2
            try await CatalogRepository(database: components.database.db).importDocument(Fixtures.document(procedures: [changed]), actor: "test")
            #expect(components.cache.generation.current == before)
            let watcher = CatalogGenerationWatcher(database: components.database, generation: components.cache.generation)
            let task = Task { try await watcher.run() }
            // The watcher polls every second: wait for what it learns (on a slow machine, up to 10 s), then say what it saw.
            let deadline = ContinuousClock.now + .seconds(10)
            while components.cache.generation.current == before, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            task.cancel()
            #expect(components.cache.generation.current == before + 1)
        }
    }
}
