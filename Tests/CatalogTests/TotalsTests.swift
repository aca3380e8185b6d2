// SPDX-License-Identifier: MPL-2.0
import Testing

@testable import Catalog

@Suite struct TotalsTests {
    @Test func sequenceAddsCostsAndTimes() {
        let procedure = Fixtures.procedure(blocks: [
            Block(
                mode: .sequence,
                steps: [
                    Fixtures.step(
                        "A", costs: [Fixtures.amount(2000)], minutes: MinMax(min: 10, max: 20), days: MinMax(min: 1, max: 2), requirements: ["Photo"]),
                    Fixtures.step(
                        "B", institution: "sn-tribunal-test", costs: [Fixtures.amount(500)], minutes: MinMax(min: 5, max: 5),
                        days: MinMax(min: 3, max: 7), requirements: ["Photo", "Acte"]),
                ])
        ])
        let totals = ProcedureTotals(procedure: procedure)
        #expect(totals.steps == 2)
        #expect(totals.institutions == 2)
        #expect(totals.documents == 2)
        #expect(totals.costs == [.init(currency: "XOF", min: 2500, max: 2500)])
        #expect(totals.minutesAtPlaces == MinMax(min: 15, max: 25))
        #expect(totals.days == MinMax(min: 4, max: 9))
        #expect(!totals.costIncomplete && !totals.timeIncomplete && !totals.isFree)
    }

    @Test func parallelTakesTheLongestAndAlternativeGivesARange() {
        let procedure = Fixtures.procedure(blocks: [
            Block(
                mode: .parallel,
                steps: [
                    Fixtures.step("A", costs: [Fixtures.amount(1000)], days: MinMax(min: 2, max: 3)),
                    Fixtures.step("B", costs: [Fixtures.amount(1000)], days: MinMax(min: 5, max: 10)),
                ]),
            Block(
                mode: .alternative,
                steps: [
                    Fixtures.step("Online", costs: [Fixtures.amount(0)], days: MinMax(min: 0, max: 1)),
                    Fixtures.step("Counter", costs: [Fixtures.amount(3000)], days: MinMax(min: 2, max: 4)),
                ]),
        ])
        let totals = ProcedureTotals(procedure: procedure)
        #expect(totals.costs == [.init(currency: "XOF", min: 2000, max: 5000)])
        #expect(totals.days == MinMax(min: 5, max: 14))
        #expect(totals.steps == 4)
    }

    @Test func unknownCostsAndMissingTimesAreFlagged() {
        let procedure = Fixtures.procedure(blocks: [
            Block(
                mode: .sequence,
                steps: [
                    Fixtures.step("A", costs: [Cost(kind: .unknown)], days: MinMax(min: 1, max: 1)),
                    Fixtures.step("B", costs: [Fixtures.amount(100)]),
                ])
        ])
        let totals = ProcedureTotals(procedure: procedure)
        #expect(totals.costIncomplete)
        #expect(totals.timeIncomplete)
        #expect(totals.costs == [.init(currency: "XOF", min: 100, max: 100)])
    }

    @Test func optionalStepsAddNothingToTheMinimum() {
        var optional = Fixtures.step("B", costs: [Fixtures.amount(500)], days: MinMax(min: 10, max: 10))
        optional.optional = true
        let procedure = Fixtures.procedure(blocks: [
            Block(mode: .sequence, steps: [Fixtures.step("A", costs: [Fixtures.amount(100)], days: MinMax(min: 2, max: 2)), optional])
        ])
        let totals = ProcedureTotals(procedure: procedure)
        #expect(totals.days == MinMax(min: 2, max: 12))
        #expect(totals.costs == [.init(currency: "XOF", min: 100, max: 600)])
    }

    @Test func freeWhenEveryCostIsFree() {
        #expect(ProcedureTotals(procedure: Fixtures.procedure()).isFree)
    }
}
