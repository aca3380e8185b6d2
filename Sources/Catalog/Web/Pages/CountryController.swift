// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// The person's country: a page that asks, and a link per country that remembers the choice in the `country` cookie
/// (read by the language middleware for every request) and goes back to the page the person came from.
struct CountryController: Sendable {
    let renderer: Renderer
    let repository: CatalogRepository
    let reference: ReferenceData
    let secureCookies: Bool

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CatalogRoute.country, use: chooser)
        router.get(CatalogRoute.countryChoice, use: choose)
    }

    /// Where to go back to: a path of this site only (never `//host` or a full URL), else the home page.
    static func safeNext(_ value: String?) -> String {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//"), !value.hasPrefix("/\\"), value.utf8.count <= 512,
            !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return CatalogRoute.home.path() }
        return value
    }

    @Sendable func chooser(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext(context, localizer: renderer.localizer, keys: "catalog")
        let next = Self.safeNext(request.form["next"])
        let countries = try await reference.current(repository).countries
        let model = CountryPage(
            countries: countries.map { country in
                CountryItem(
                    href: page.link(CatalogRoute.countryChoice.path(country.code), [("next", next)]),
                    name: country.name.text(for: context.language.rawValue).text, count: nil, current: context.country == country.code)
            })
        return try renderer.page("catalog-country", title: page.t("country_title"), page: model, request: request, context: context)
    }

    @Sendable func choose(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.pathValue("code").uppercased()
        guard try await reference.current(repository).countriesByCode[code] != nil else { throw AppError.notFound("country_not_found") }
        var next = Self.safeNext(request.form["next"])
        if context.languageInQuery, !next.contains("lang=") { next += (next.contains("?") ? "&" : "?") + "lang=\(context.language.rawValue)" }
        var response = Response(status: .seeOther, headers: [.location: next, .cacheControl: "no-store"])
        response.setCookie(Cookie(name: "country", value: code, maxAge: 31_536_000, path: "/", secure: secureCookies, sameSite: .lax))
        return response
    }
}

struct CountryPage {
    let countries: [CountryItem]
}
