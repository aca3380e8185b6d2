// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Every path of the published results and the open data, named once.
package enum InsightsRoute {
    package static let results = Route("/resultats")
    package static let country = Route("/resultats/pays/:code")
    package static let institution = Route("/resultats/institutions/:id")
    package static let procedure = Route("/resultats/procedures/:id")

    package static let openData = Route("/opendata")
    package static let dictionary = Route("/opendata/dictionary")
    package static let catalogJSONLD = Route("/opendata/catalog.jsonld")
    package static let catalogTurtle = Route("/opendata/catalog.ttl")
    package static let file = Route("/opendata/files/:name")

    // The GovStack Registration building block's API (in the OpenAPI document).
    package static let govStackServices = Route("/api/govstack/v1/services")
    package static let govStackService = Route("/api/govstack/v1/services/:id")
    package static let govStackServiceForms = Route("/api/govstack/v1/services/:id/eForms")
    package static let govStackServiceApplications = Route("/api/govstack/v1/services/:id/applications")
    package static let govStackForm = Route("/api/govstack/v1/eForms/:id")
    package static let govStackStatistics = Route("/api/govstack/v1/data/statistics")
    package static let govStackApplications = Route("/api/govstack/v1/applications")
    package static let govStackApplication = Route("/api/govstack/v1/applications/:id")
    package static let govStackTasks = Route("/api/govstack/v1/tasks")
    package static let govStackTask = Route("/api/govstack/v1/tasks/:id")
    package static let govStackTaskComplete = Route("/api/govstack/v1/tasks/:id/complete")
    package static let govStackDocuments = Route("/api/govstack/v1/documents")
    /// A staged document's address, as `POST /documents` gives it and `documentUrls` names it (not served: nobody reads a
    /// staged document back).
    package static let govStackStagedDocument = Route("/api/govstack/v1/documents/:id")
    package static let govStackApplicationDocument = Route("/api/govstack/v1/applications/:id/documents/:field")
}

/// Where the home page leads for this feature.
enum InsightsDestinations {
    static let all: [Destination] = [
        Destination(
            kind: "results", label: "insights.destination.results", detail: "insights.destination.results_detail", href: InsightsRoute.results.path()),
        Destination(
            kind: "opendata", label: "insights.destination.opendata", detail: "insights.destination.opendata_detail",
            href: InsightsRoute.openData.path()),
    ]
}
