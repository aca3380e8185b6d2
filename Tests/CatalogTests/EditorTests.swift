// SPDX-License-Identifier: MPL-2.0
import Audit
import Catalog
import FluentKit
import Foundation
import GuichetApp
import GuichetCore
import GuichetTesting
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Editors change a procedure on a draft, preview it, publish it; the public site shows only what is published.
@Suite struct EditorTests {
    static let id = "sn-declaration-naissance"
    static let path = CatalogRoute.editorProcedure.path(id)

    /// The form fields of the general form as the page shows them, with some changed.
    static func generalForm(_ html: String, changes: [String: String]) -> [(String, String)] {
        var fields: [(String, String)] = []
        // Inputs and textareas by name, checked boxes, selected options: what a browser would send.
        let scanner = html
        for match in scanner.matches(of: /<input id="([^"]+)" name="([^"]+)" type="(text|url|date)"[^>]*value="([^"]*)"/) {
            fields.append((String(match.output.2), decode(String(match.output.4))))
        }
        for match in scanner.matches(of: /<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/) {
            fields.append((String(match.output.1), decode(String(match.output.2))))
        }
        for match in scanner.matches(of: /<input type="checkbox" id="[^"]+" name="([^"]+)" value="([^"]+)" checked>/) {
            fields.append((String(match.output.1), String(match.output.2)))
        }
        for match in scanner.matches(of: /<select id="([^"]+)" name="[^"]+">(.*?)<\/select>/) {
            if let selected = String(match.output.2).firstMatch(of: /<option value="([^"]*)" selected>/) {
                fields.append((String(match.output.1), String(selected.output.1)))
            }
        }
        fields = fields.map { name, value in (name, changes[name] ?? value) }
        return fields
    }

    static func decode(_ text: String) -> String {
        text.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func revision(_ html: String) -> String {
        html.firstMatch(of: /name="revision" value="(\d+)"/).map { String($0.output.1) } ?? "?"
    }

    @Test func editPreviewPublishAndHistory() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            let page = try await editor.get(Self.path)
            #expect(page.status == .ok)
            #expect(Self.revision(page.text) == "0")
            let newTitle = "Déclarer la naissance d'un enfant"
            let saved = try await editor.post(
                Self.path, form: Self.generalForm(page.text, changes: ["title_fr": newTitle, "revision": "0"]) + [("revision", "0")])
            #expect(saved.status == .seeOther)

            // The public page and API still show the published version.
            let publicBefore = try await client.executeRequest(uri: CatalogRoute.procedure.path(Self.id), method: .get, headers: [:], body: nil)
            #expect(!publicBefore.text.contains(newTitle.replacingOccurrences(of: "'", with: "&#39;")))
            #expect(publicBefore.text.contains("Déclarer une naissance"))
            // The preview shows the draft under its banner.
            let preview = try await editor.get(CatalogRoute.editorPreview.path(Self.id))
            #expect(preview.status == .ok)
            #expect(preview.text.contains("class=\"banner\""))
            #expect(preview.text.contains("noindex"))
            #expect(preview.text.contains("Déclarer la naissance d&#39;un enfant") || preview.text.contains("Déclarer la naissance d'un enfant"))

            // A step: add a cost with a wrong amount → field-level error; then a right one.
            let stepPath = CatalogRoute.editorStep.path(Self.id, "0", "0")
            let step = try await editor.get(stepPath)
            #expect(step.status == .ok)
            let revision = Self.revision(step.text)
            #expect(revision == "1")
            let title =
                step.text.firstMatch(of: /name="title_fr" type="text" lang="fr" value="([^"]*)"/).map { Self.decode(String($0.output.1)) } ?? ""
            let costRow = step.text.matches(of: /name="cost_kind_(\d+)"/).count - 1
            let wrong = try await editor.post(
                stepPath,
                form: [
                    ("revision", revision), ("title_fr", title), ("cost_kind_\(costRow)", "amount"), ("cost_amount_\(costRow)", "deux mille"),
                    ("cost_currency_\(costRow)", "XOF"),
                ])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("id=\"cost_amount_\(costRow)-error\""))
            #expect(wrong.text.contains("value=\"deux mille\""))
            let right = try await editor.post(
                stepPath,
                form: [
                    ("revision", revision), ("title_fr", title), ("cost_kind_\(costRow)", "amount"), ("cost_amount_\(costRow)", "2 000"),
                    ("cost_currency_\(costRow)", "XOF"), ("cost_label_\(costRow)_fr", "Timbre fiscal"),
                ])
            #expect(right.status == .seeOther)

            // Publish: the public page changes, the history keeps both versions, the difference names the change.
            let before = try await editor.get(Self.path)
            let published = try await editor.post(CatalogRoute.editorPublish.path(Self.id), form: [("revision", Self.revision(before.text))])
            #expect(published.status == .seeOther)
            let publicAfter = try await client.executeRequest(uri: CatalogRoute.procedure.path(Self.id), method: .get, headers: [:], body: nil)
            #expect(
                publicAfter.text.contains("Déclarer la naissance d&#39;un enfant") || publicAfter.text.contains("Déclarer la naissance d'un enfant"))
            #expect(publicAfter.text.contains("Timbre fiscal"))
            let api = try await client.executeRequest(uri: CatalogRoute.apiProcedure.path(Self.id), method: .get, headers: [:], body: nil)
            #expect(api.text.contains("Timbre fiscal"))
            let history = try await editor.get(CatalogRoute.editorHistory.path(Self.id))
            #expect(history.text.contains("<td>2</td>"))
            #expect(history.text.contains("<td>1</td>"))
            let diff = try await editor.get(CatalogRoute.editorDiffLink(Self.id, from: "1", to: "2").replacingOccurrences(of: "&", with: "&"))
            #expect(diff.status == .ok)
            #expect(diff.text.contains("<th scope=\"row\">title.fr</th>"))
            #expect(diff.text.contains("blocks[0].steps[0].costs["))
            let actions = try await AuditLog.records(on: components.database.db).map(\.entry.action)
            #expect(actions.filter { $0 == "procedure.draft_save" }.count == 2)
            #expect(actions.contains("procedure.publish"))
            #expect(try await AuditLog.verify(on: components.database.db) == .intact(events: actions.count))
        }
    }

    /// "Add a step" on the procedure page leads to a form that posts to a route (it once answered 404), and the step is added.
    @Test func addAStepAndRefuseADayThatDoesNotExist() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            let page = try await editor.get(Self.path)
            let addStep = CatalogRoute.editorNewStepLink(Self.id, block: 0)
            #expect(
                page.text.contains("href=\"\(addStep)\"") || page.text.contains("href=\"\(addStep.replacingOccurrences(of: "&", with: "&amp;"))\""))
            let steps = try #require(try await ProcedureEditor(database: components.database.db).working(Self.id)).procedure.blocks[0].steps.count
            let form = try await editor.get(addStep)
            #expect(form.status == .ok)
            #expect(form.text.contains("action=\"\(addStep)\""))
            let added = try await editor.post(addStep, form: [("revision", Self.revision(form.text)), ("title_fr", "Retirer l'extrait au guichet")])
            #expect(added.status == .seeOther)
            let working = try #require(try await ProcedureEditor(database: components.database.db).working(Self.id))
            #expect(working.procedure.blocks[0].steps.count == steps + 1)
            #expect(working.procedure.blocks[0].steps.last?.title.fr == "Retirer l'extrait au guichet")
            // 30 February is not a day: the field says so and nothing is saved.
            let general = try await editor.get(Self.path)
            let revision = Self.revision(general.text)
            let wrongDay = try await editor.post(
                Self.path, form: Self.generalForm(general.text, changes: ["last_reviewed": "2026-02-30"]) + [("revision", revision)])
            #expect(wrongDay.status == .unprocessableContent)
            #expect(try await ProcedureEditor(database: components.database.db).working(Self.id)?.revision == working.revision)
        }
    }

    @Test func twoEditorsSavingTheSameDraftLoseNothing() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let first = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            let second = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-centre-etat-civil"])
            let pageA = try await first.get(Self.path)
            let pageB = try await second.get(Self.path)
            let a = try await first.post(
                Self.path, form: Self.generalForm(pageA.text, changes: ["title_fr": "Titre de l'éditeur A"]) + [("revision", "0")])
            #expect(a.status == .seeOther)
            let b = try await second.post(
                Self.path, form: Self.generalForm(pageB.text, changes: ["title_fr": "Titre de l'éditeur B"]) + [("revision", "0")])
            #expect(b.status == .conflict)
            // B sees the conflict and still has its own text in the form; A's is the draft.
            #expect(b.text.contains("Titre de l&#39;éditeur B") || b.text.contains("Titre de l'éditeur B"))
            #expect(b.text.contains("révision 1") || b.text.contains("revision 1"))
            let editor = ProcedureEditor(database: components.database.db)
            #expect(try await editor.working(Self.id)?.procedure.title.fr == "Titre de l'éditeur A")
            let copies = try await editor.conflicts(Self.id)
            #expect(copies.count == 1)
            #expect(copies.first?.procedure.title.fr == "Titre de l'éditeur B")
            // B saves again on the current revision: it goes through.
            let again = try await second.post(Self.path, form: Self.generalForm(b.text, changes: [:]) + [("revision", "1")])
            #expect(again.status == .seeOther)
            #expect(try await editor.working(Self.id)?.revision == 2)
            #expect(try await editor.working(Self.id)?.procedure.title.fr == "Titre de l'éditeur B")
        }
    }

    @Test func anotherInstitutionsEditorIsRefused() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let outsider = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-dgpn"])
            #expect(try await outsider.get(Self.path).status == .forbidden)
            try await outsider.get(CatalogRoute.editorHome.path())
            let post = try await outsider.post(Self.path, form: [("revision", "0"), ("title_fr", "Pirate")])
            #expect(post.status == .forbidden)
            #expect(try await ProcedureEditor(database: components.database.db).drafts().isEmpty)
            // Their list shows only their own institution's procedures.
            let home = try await outsider.get(CatalogRoute.editorHome.path())
            #expect(!home.text.contains(Self.id))
        }
    }

    @Test func aNewProcedureIsPublishedOnlyWhenComplete() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let editor = try await TestApp.signedIn(client, components, role: .catalogEditor, institutions: ["sn-mairie"])
            try await editor.get(CatalogRoute.editorNew.path())
            let bad = try await editor.post(CatalogRoute.editorNew.path(), form: [("institution", "sn-mairie"), ("id", "tg-oops"), ("title_fr", "")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("id=\"id-error\""))
            #expect(bad.text.contains("id=\"title_fr-error\""))
            let created = try await editor.post(
                CatalogRoute.editorNew.path(),
                form: [("institution", "sn-mairie"), ("id", "sn-certificat-vie"), ("title_fr", "Obtenir un certificat de vie")])
            #expect(created.status == .seeOther)
            let page = try await editor.get(CatalogRoute.editorProcedure.path("sn-certificat-vie"))
            // No step yet: publishing is refused with the reason, and nothing is public.
            let refused = try await editor.post(CatalogRoute.editorPublish.path("sn-certificat-vie"), form: [("revision", Self.revision(page.text))])
            #expect(refused.status == .unprocessableContent)
            #expect(
                try await client.executeRequest(uri: CatalogRoute.procedure.path("sn-certificat-vie"), method: .get, headers: [:], body: nil).status
                    == .notFound)
        }
    }

    @Test func apiClientsEditWithTokensAndRetriesAreSafe() async throws {
        try await TestApp.withClient(seed: .demo) { client, components in
            let (_, token) = try await components.accounts.createToken(
                name: "partner", role: .catalogEditor, institution: "sn-centre-etat-civil", origin: .init(actor: "test"))
            let base = "/api/v1/procedures/\(Self.id)"
            func call(_ method: HTTPRequest.Method, _ path: String, ifMatch: String? = nil, body: ByteBuffer? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
                if let ifMatch { headers[.ifMatch] = ifMatch }
                return try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
            }
            let read = try await call(.get, base + "/draft")
            #expect(read.status == .ok)
            #expect(read.headers[.eTag] == "\"0\"")
            var procedure = try #require(try await ProcedureEditor(database: components.database.db).published(Self.id))
            procedure.title = LocalizedText(fr: "Déclarer une naissance (API)", en: "Register a birth (API)")
            let body = ByteBuffer(data: try JSONEncoder().encode(procedure))
            let created = try await call(.put, base + "/draft", ifMatch: "\"0\"", body: body)
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            // The same request again (a client that did not see the answer): same result, no second revision.
            let retried = try await call(.put, base + "/draft", ifMatch: "\"0\"", body: body)
            #expect(retried.status == .ok)
            #expect(retried.headers[.eTag] == "\"1\"")
            // A different change on the old revision is a conflict.
            procedure.title = LocalizedText(fr: "Autre titre")
            let stale = try await call(.put, base + "/draft", ifMatch: "\"0\"", body: ByteBuffer(data: try JSONEncoder().encode(procedure)))
            #expect(stale.status == .conflict)
            #expect(stale.text.contains("\"code\":\"draft_conflict\""))
            let published = try await call(.post, base + "/publish", ifMatch: "\"1\"")
            #expect(published.status == .ok)
            #expect(published.text.contains("\"version\":2"))
            let again = try await call(.post, base + "/publish", ifMatch: "\"1\"")
            #expect(again.status == .ok)
            #expect(again.text.contains("\"version\":2"))
            let detail = try await client.executeRequest(uri: base, method: .get, headers: [:], body: nil)
            #expect(detail.text.contains("Déclarer une naissance (API)"))
            #expect(try await ProcedureEditor(database: components.database.db).versions(Self.id).count == 2)
        }
    }
}
