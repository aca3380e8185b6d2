// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore
import Hummingbird

/// Feedback: the centre's tablet (no ticket, limited per device) and the page of a served ticket.
struct FeedbackPagesController: Sendable {
    let renderer: Renderer
    let directory: DirectoryRepository
    let queue: QueueService
    let feedback: FeedbackService
    let flood: FloodGuard
    let screenStylesheet: ScreenStylesheet

    /// Very dissatisfied … very satisfied.
    static let faces = ["😠", "🙁", "🙂", "😀"]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(CentresRoute.tablet, use: tabletForm)
        router.post(CentresRoute.tablet, use: tabletAnswer)
        router.get(CentresRoute.ticketFeedback, use: ticketFeedbackForm)
        router.post(CentresRoute.ticketFeedback, use: ticketFeedbackAnswer)
    }

    @Sendable func tabletForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let centre = try await directory.requireCentre(try context.pathValue())
        return try render(
            request, context, page, name: centre.name.text(page.language), action: page.link(CentresRoute.tablet, centre.id),
            thanks: request.form["thanks"] == "1", error: nil, status: .ok)
    }

    @Sendable func tabletAnswer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let centre = try await directory.requireCentre(try context.pathValue())
        do {
            try await flood.tabletAnswer(centre: centre.id, address: context.clientAddress)
            try await feedback.answerAtTablet(centre: centre, CentresForms.answer(context.postForm))
        } catch let error as AppError where error.status == .unprocessableContent {
            return try render(
                request, context, page, name: centre.name.text(page.language), action: page.link(CentresRoute.tablet, centre.id), thanks: false,
                error: page.t("errors.\(error.code)"), status: .unprocessableContent)
        }
        return CentresForms.redirect(page.link(CentresRoute.tablet, centre.id, query: [("thanks", "1")]))
    }

    @Sendable func ticketFeedbackForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let ticket = try await servedTicket(context)
        let centre = try await directory.requireCentre(ticket.centreId)
        return try render(
            request, context, page, name: centre.name.text(page.language), action: page.link(CentresRoute.ticketFeedback, ticket.code),
            thanks: request.form["thanks"] == "1", error: nil, status: .ok)
    }

    @Sendable func ticketFeedbackAnswer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = PageContext.centres(context, renderer)
        let ticket = try await servedTicket(context)
        do {
            try await feedback.answer(ticket: ticket, CentresForms.answer(context.postForm))
        } catch let error as AppError where error.status == .unprocessableContent {
            let centre = try await directory.requireCentre(ticket.centreId)
            return try render(
                request, context, page, name: centre.name.text(page.language), action: page.link(CentresRoute.ticketFeedback, ticket.code),
                thanks: false, error: page.t("errors.\(error.code)"), status: .unprocessableContent)
        }
        return CentresForms.redirect(page.link(CentresRoute.ticketFeedback, ticket.code, query: [("thanks", "1")]))
    }

    func servedTicket(_ context: AppRequestContext) async throws -> Ticket {
        guard let ticket = try await queue.ticket(code: try context.pathValue("code").uppercased()) else {
            throw AppError.notFound("ticket_not_found")
        }
        return ticket
    }

    func render(
        _ request: Request, _ context: AppRequestContext, _ page: PageContext, name: String, action: String, thanks: Bool, error: String?,
        status: HTTPResponse.Status
    ) throws -> Response {
        let ratings = (1...4).reversed().map { RatingChoice(value: String($0), label: page.t("rating.\($0)"), face: Self.faces[$0 - 1]) }
        let reasons = FeedbackAnswer.reasons.map { ReasonChoice(value: $0, label: page.t("reason.\($0)")) }
        let model = FeedbackPage(
            name: name, action: action, thanks: thanks, error: error, ratings: ratings, reasons: reasons, maxComment: FeedbackAnswer.maxComment,
            css: screenStylesheet.versionedPath, other: page.otherLanguage(path: request.uri.path))
        return try renderer.page("centres-feedback", title: page.t("feedback_title"), page: model, request: request, context: context, status: status)
    }
}
