// SPDX-License-Identifier: MPL-2.0
import Applications
import Catalog
import Centres
import Ecosystem
import Insights
import Payments

extension GuichetApplication {
    /// Every route of the JSON API as the OpenAPI document writes it (`/api/v1/procedures/{id}`): each feature's
    /// controller names its own, and a test checks the document against this list.
    package static var apiRoutes: [(method: String, path: String)] {
        CatalogAPIController.routes + EditorAPIController.routes + CentresAPIController.routes + SolutionAPIController.routes
            + ActorControllers.apiRoutes + ApplicationsAPIController.routes + InsightsModule.apiRoutes + PaymentsModule.apiRoutes
    }

    /// The GovStack API's reads that need a back-office token.
    package static var insightsTokenReads: [String] { InsightsModule.tokenReads }
}
