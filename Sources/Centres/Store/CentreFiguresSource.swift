// SPDX-License-Identifier: MPL-2.0
import Foundation
import GuichetCore

/// The directory and the monthly results for the published results and the open data (`CentreFigures`), counted as
/// the centres' own results page counts them (`ResultsService`).
package struct CentreFiguresSource: CentreFigures {
    let directory: DirectoryRepository
    let results: ResultsService

    package init(database: DatabaseService, simulated: SimulatedRows = .excluded) {
        self.init(directory: DirectoryRepository(database: database), results: ResultsService(database: database, simulated: simulated))
    }

    init(directory: DirectoryRepository, results: ResultsService) {
        self.directory = directory
        self.results = results
    }

    package var resultsPath: String { CentresRoute.results.path() }

    package func centres() async throws -> [PublicCentre] {
        var list: [PublicCentre] = []
        for centre in try await directory.centres() {
            var hours: [PlaceHours] = []
            for span in try await directory.hours(centre.id) {
                let opens = CentreClock.hhmm(span.opens)
                let closes = CentreClock.hhmm(span.closes)
                if let index = hours.firstIndex(where: { $0.opens == opens && $0.closes == closes }) {
                    hours[index] = PlaceHours(days: hours[index].days + [span.weekday], opens: opens, closes: closes)
                } else {
                    hours.append(PlaceHours(days: [span.weekday], opens: opens, closes: closes))
                }
            }
            list.append(
                PublicCentre(
                    id: centre.id, country: centre.country, region: centre.region, department: centre.department, nameFr: centre.name.fr,
                    nameEn: centre.name.en, status: centre.status, institution: centre.institution, addressFr: centre.address?.fr,
                    latitude: centre.latitude, longitude: centre.longitude, timezone: centre.timezone, hours: hours))
        }
        return list
    }

    package func commitments() async throws -> CentreCommitmentTargets {
        let commitments = try await directory.commitments()
        return CentreCommitmentTargets(
            waitMinutes: Commitment.waitMinutes(commitments), waitTargetPercent: commitments.first { $0.kind == .wait }?.target,
            satisfactionTargetPercent: commitments.first { $0.kind == .satisfaction }?.target)
    }

    package func monthly(months: [String]) async throws -> [CentreMonthFigures] {
        let minutes = Commitment.waitMinutes(try await directory.commitments())
        let centres = try await directory.centres()
        var figures: [CentreMonthFigures] = []
        for month in months {
            for (centre, result) in try await results.network(centres: centres, month: month, waitMinutes: minutes).byCentre {
                figures.append(
                    CentreMonthFigures(
                        centreId: centre.id, month: month, called: result.called, calledWithin: result.calledWithin, noShows: result.noShows,
                        answers: result.feedback, satisfied: result.satisfied, meanWaitMinutes: result.averageWaitMinutes))
            }
        }
        return figures
    }
}

extension CentresModule {
    /// The directory and monthly results, for the published results and the open data.
    package var figures: any CentreFigures { CentreFiguresSource(directory: directory, results: results) }
}
