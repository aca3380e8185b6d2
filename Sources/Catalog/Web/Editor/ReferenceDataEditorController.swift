// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import HTTPTypes
import Hummingbird

/// The catalogue's reference data in the back office: administrators keep institutions and categories. A change goes
/// through the same validated, audited import as a file does.
struct ReferenceDataEditorController: Sendable {
    let support: EditorSupport

    var renderer: Renderer { support.renderer }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CatalogRoute.editorInstitutions) { request, context in try await institutions(request, context: context) }
        router.get(CatalogRoute.editorInstitution) { request, context in try await institutionPage(request, context: context) }
        router.post(CatalogRoute.editorInstitution) { request, context in try await saveInstitution(request, context: context) }
        router.get(CatalogRoute.editorCategories) { request, context in try await categories(request, context: context) }
        router.get(CatalogRoute.editorCategory) { request, context in try await categoryPage(request, context: context) }
        router.post(CatalogRoute.editorCategory) { request, context in try await saveCategory(request, context: context) }
    }

    // MARK: Institutions

    func institutions(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.administrator)
        let query = (request.form["q"] ?? "").trimmingCharacters(in: .whitespaces)
        let folded = TextFolding.words(query).joined(separator: " ")
        let matching = try await support.institutionsById().sorted { $0.key < $1.key }
            .filter { EditorSupport.matches(folded, $0.value.name.fr + " " + $0.key) }
        let model = InstitutionsPage(
            action: CatalogRoute.editorInstitutions.path(),
            institutions: matching.prefix(50).map {
                .init(id: $0.key, name: $0.value.name.fr, country: $0.value.country, href: CatalogRoute.editorInstitution.path($0.key))
            },
            q: query, count: matching.count, more: matching.count > 50)
        return try renderer.page(
            "editor-institutions", title: support.page(context).t("institutions.title"), page: model, request: request, context: context)
    }

    func institutionPage(
        _ request: Request, context: AppRequestContext, form: FormQuery? = nil, errors: [String: String] = [:], order: [String] = [],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        _ = try context.require(.administrator)
        let id = try context.pathValue("id")
        guard let institution = try await support.institutionsById()[id] else { throw AppError.notFound() }
        let page = support.page(context)
        let values = FormValues(form: form, errors: errors)
        let fields: [(String, String?)] = [
            ("name_fr", institution.name.fr), ("name_en", institution.name.en), ("acronym", institution.acronym),
            ("address_fr", institution.address?.fr),
            ("phone", institution.phone), ("email", institution.email), ("website", institution.website),
        ]
        let model = RecordPage(
            errors: errors, summary: ErrorItem.summary(errors, order), hasErrors: !errors.isEmpty, id: id, title: institution.name.fr,
            action: CatalogRoute.editorInstitution.path(id), back: CatalogRoute.editorInstitutions.path(),
            fields: fields.map { values.field($0.0, $0.1, label: page.t("institutions.fields.\($0.0)")) })
        return try renderer.page("editor-record", title: institution.name.fr, page: model, request: request, context: context, status: status)
    }

    func saveInstitution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.administrator)
        let id = try context.pathValue("id")
        guard var institution = try await support.institutionsById()[id] else { throw AppError.notFound() }
        var reader = support.formReader(context)
        if let name = reader.text("name", required: true, max: 300) { institution.name = name }
        institution.acronym = reader.string("acronym").isEmpty ? nil : reader.string("acronym")
        institution.address = reader.text("address", max: 500)
        institution.phone = reader.string("phone").isEmpty ? nil : reader.string("phone")
        let email = reader.string("email")
        if email.isEmpty {
            institution.email = nil
        } else if email.contains("@"), !email.contains(" ") {
            institution.email = email
        } else {
            reader.fail("email", "bad_email")
        }
        institution.website = reader.url("website")
        guard reader.errors.isEmpty else {
            return try await institutionPage(
                request, context: context, form: context.postForm, errors: reader.errors, order: reader.order, status: .unprocessableContent)
        }
        try await support.repository.importDocument(
            CatalogDocument(institutions: [institution]), actor: principal.actor, requestId: context.requestId, note: "institution edited")
        return .redirect(to: CatalogRoute.editorInstitutions.path(), type: .normal)
    }

    // MARK: Categories

    func categories(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.administrator)
        let list = try await support.reference.current(support.repository).categories.map {
            CategoriesPage.Item(id: $0.id, name: $0.name.fr, href: CatalogRoute.editorCategory.path($0.id))
        }
        return try renderer.page(
            "editor-categories", title: support.page(context).t("categories.title"), page: CategoriesPage(categories: list), request: request,
            context: context)
    }

    func categoryPage(
        _ request: Request, context: AppRequestContext, form: FormQuery? = nil, errors: [String: String] = [:], order: [String] = [],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        _ = try context.require(.administrator)
        let id = try context.pathValue("id")
        guard let category = try await support.reference.current(support.repository).categoriesById[id] else { throw AppError.notFound() }
        let page = support.page(context)
        let values = FormValues(form: form, errors: errors)
        let fields: [(String, String?)] = [
            ("name_fr", category.name.fr), ("name_en", category.name.en), ("description_fr", category.description?.fr),
            ("description_en", category.description?.en),
        ]
        let model = RecordPage(
            errors: errors, summary: ErrorItem.summary(errors, order), hasErrors: !errors.isEmpty, id: id, title: category.name.fr,
            action: CatalogRoute.editorCategory.path(id), back: CatalogRoute.editorCategories.path(),
            fields: fields.map { values.field($0.0, $0.1, label: page.t("categories.fields.\($0.0)")) })
        return try renderer.page("editor-record", title: category.name.fr, page: model, request: request, context: context, status: status)
    }

    func saveCategory(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.administrator)
        let id = try context.pathValue("id")
        guard var category = try await support.reference.current(support.repository).categoriesById[id] else { throw AppError.notFound() }
        var reader = support.formReader(context)
        if let name = reader.text("name", required: true, max: 200) { category.name = name }
        category.description = reader.text("description", max: 1000)
        guard reader.errors.isEmpty else {
            return try await categoryPage(
                request, context: context, form: context.postForm, errors: reader.errors, order: reader.order, status: .unprocessableContent)
        }
        try await support.repository.importDocument(
            CatalogDocument(categories: [category]), actor: principal.actor, requestId: context.requestId, note: "category edited")
        return .redirect(to: CatalogRoute.editorCategories.path(), type: .normal)
    }
}
