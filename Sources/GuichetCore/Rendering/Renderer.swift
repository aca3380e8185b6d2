// SPDX-License-Identifier: MPL-2.0
import Foundation
import Hummingbird
import NIOConcurrencyHelpers

/// Renders Mustache pages inside the common layout, with the locale table of the request's language as `t`.
package struct Renderer: Sendable {
    package let library: TemplateLibrary
    package let localizer: Localizer
    package let stylesheetPath: String
    /// The back office's links, shown to a signed-in user by the `core-admin` layout.
    package var menu: [MenuEntry] = []
    /// The person's country shown on every public page with a link to change it (nil: no country chooser).
    package var countries: CountrySwitcher?
    /// The demo's figures include simulated activity: every page that shows figures (`figures: true`) says so.
    package var simulatedData = false

    /// Loads every `Templates/` folder of the given resource directories into one library; a template in
    /// `Templates/catalog/procedure.mustache` is named `catalog-procedure`.
    package let adminStylesheetPath: String

    package init(resourceDirectories: [URL], localizer: Localizer, stylesheetPath: String, adminStylesheetPath: String = CorePaths.adminStylesheet)
        throws
    {
        var library = TemplateLibrary()
        for directory in resourceDirectories {
            let templates = directory.appendingPathComponent("Templates")
            guard let enumerator = FileManager.default.enumerator(at: templates, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in enumerator where file.pathExtension == "mustache" {
                // `catalog/procedure.mustache` is registered as `catalog-procedure`: Mustache tags cannot hold a slash.
                let name = file.path.dropFirst(templates.path.count + 1).dropLast(".mustache".count).replacingOccurrences(of: "/", with: "-")
                let text = try String(contentsOf: file, encoding: .utf8)
                try library.register(text, named: String(name))
            }
        }
        guard library.missingReferences.isEmpty else {
            throw TemplateError.missing(library.missingReferences)
        }
        self.library = library
        self.localizer = localizer
        self.stylesheetPath = stylesheetPath
        self.adminStylesheetPath = adminStylesheetPath
    }

    /// A full page: `page` is the view model the template reads under `{{#page}}`.
    package func page(
        _ template: String, title: String, page: Any, request: Request, context: AppRequestContext,
        status: HTTPResponse.Status = .ok, description: String? = nil, banner: PreviewBanner? = nil, figures: Bool = false
    ) throws -> Response {
        let layout = LayoutModel(
            lang: context.language.rawValue,
            t: localizer.templateTable(context.language),
            title: title,
            description: description,
            stylesheet: stylesheetPath,
            adminStylesheet: adminStylesheetPath,
            switchLanguage: LanguageSwitch(request: request, current: context.language, localizer: localizer),
            query: request.form["q"] ?? "",
            langParam: context.languageInQuery ? context.language.rawValue : nil,
            langQuery: context.languageInQuery ? "?lang=\(context.language.rawValue)" : "",
            langAmp: context.languageInQuery ? "&lang=\(context.language.rawValue)" : "",
            csrf: context.csrf ?? CSRFToken(value: ""),
            country: countries.map { CountrySwitch(request: request, context: context, switcher: $0, localizer: localizer) },
            banner: banner,
            simulated: figures && simulatedData,
            user: context.principal.map { principal in
                return AdminUser(
                    name: principal.displayName, role: localizer.text("roles.\(principal.role.rawValue)", context.language),
                    menu: menu.filter { $0.visible(to: principal) }.map {
                        AdminLink(
                            path: $0.path, label: localizer.text($0.label, context.language),
                            description: localizer.text($0.description, context.language),
                            current: request.uri.path == $0.path || (request.uri.path.hasPrefix($0.path + "/") && $0.path != CorePaths.backOffice))
                    })
            },
            page: page
        )
        guard let boxed = TemplateBoxing.box(layout), let html = library.render(boxed, withTemplate: template) else {
            context.logger.error("template missing", metadata: ["template": "\(template)"])
            throw AppError(.internalServerError, code: "template_missing")
        }
        var response = Self.html(html, status: status)
        // Only a page whose template rendered `{{csrf}}` drew the token: a page that drew none is not searched for it. The
        // search is over bytes: Foundation's `contains` compares characters, about a sixth of the console's handler on its
        // pages of tens of kilobytes.
        if let csrf = context.csrf, csrf.isDrawn, ByteSearch.contains(html, csrf.value) { response.headers[CSRFMiddleware.usedHeader] = "1" }
        return response
    }

    package static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

struct LayoutModel {
    let lang: String
    let t: TemplateValue
    let title: String
    let description: String?
    let stylesheet: String
    let adminStylesheet: String
    let switchLanguage: LanguageSwitch
    let query: String
    /// `lang=xx` carried on in links when the language was chosen by URL.
    let langParam: String?
    /// `?lang=xx` or empty, to append to a link without a query.
    let langQuery: String
    /// `&lang=xx` or empty, to append to a link with a query.
    let langAmp: String
    /// The CSRF token forms echo back: `{{> core-csrf}}` inside any POST form; drawn when rendered.
    let csrf: CSRFToken
    /// "Country: Senegal · change", on public pages.
    let country: CountrySwitch?
    /// Over a public page shown to an editor before publication.
    let banner: PreviewBanner?
    /// "Simulated data", over a page whose figures include the demo's simulated activity.
    let simulated: Bool
    /// The signed-in user and their menu, for the back-office layout.
    let user: AdminUser?
    let page: Any
}

struct LanguageSwitch {
    let href: String
    let label: String
    let lang: String

    init(request: Request, current: Language, localizer: Localizer) {
        let other = current.other
        var items = request.form.items.filter { $0.name != "lang" }
        items.append(("lang", other.rawValue))
        let query = items.map { "\(FormQuery.encode($0.0))=\(FormQuery.encode($0.1))" }.joined(separator: "&")
        self.href = request.uri.path + "?" + query
        self.label = localizer.text("layout.switch_language", current)
        self.lang = other.rawValue
    }
}

/// The countries a person may choose, by code, with their names by language code (`fr`, `en`), and where to choose.
/// The catalogue that owns the countries keeps the names current (`update`).
package final class CountrySwitcher: Sendable {
    package let chooserPath: String
    private let box: NIOLockedValueBox<[String: [String: String]]>

    package init(chooserPath: String, names: [String: [String: String]] = [:]) {
        self.chooserPath = chooserPath
        self.box = NIOLockedValueBox(names)
    }

    package var names: [String: [String: String]] { box.withLockedValue { $0 } }

    package func update(_ names: [String: [String: String]]) {
        box.withLockedValue { if $0 != names { $0 = names } }
    }

    package func name(_ code: String, _ language: Language) -> String? {
        box.withLockedValue { $0[code]?[language.rawValue] ?? $0[code]?["fr"] }
    }
}

struct CountrySwitch {
    let href: String
    let label: String

    init(request: Request, context: AppRequestContext, switcher: CountrySwitcher, localizer: Localizer) {
        let here = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        var query = "next=" + FormQuery.encode(here)
        if context.languageInQuery { query += "&lang=" + context.language.rawValue }
        href = switcher.chooserPath + "?" + query
        if let code = context.country, let name = switcher.name(code, context.language) {
            label = localizer.text("layout.country", context.language, ["name": name])
        } else {
            label = localizer.text("layout.choose_country", context.language)
        }
    }
}

struct AdminUser {
    let name: String
    let role: String
    let menu: [AdminLink]
}

struct AdminLink {
    let path: String
    let label: String
    let description: String
    let current: Bool
}

/// The notice above a page that is not (yet) what the public sees: a draft's preview.
package struct PreviewBanner: Sendable {
    let text: String
    let link: String
    let href: String

    package init(text: String, link: String, href: String) {
        self.text = text
        self.link = link
        self.href = href
    }
}
