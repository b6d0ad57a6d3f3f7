import CurvatureOptimizers
import Foundation
import Testing
@testable import KronkitTool

@Suite("--seeds: several runs per method, medians, ranges and bands")
struct SeedTests {
    typealias Spread = SeedSummary.Spread

    @Test("median and range of an odd and an even number of runs, all reaching the target")
    func spreadOfReachedRuns() {
        #expect(Spread([30, 10, 20]) == Spread(median: 20, minimum: 10, maximum: 30, attained: 3, count: 3))
        #expect(Spread([40, 10, 30, 20]) == Spread(median: 25, minimum: 10, maximum: 40, attained: 4, count: 4))
        #expect(Spread([7]) == Spread(median: 7, minimum: 7, maximum: 7, attained: 1, count: 1))
        #expect(Spread([]) == Spread(median: nil, minimum: nil, maximum: nil, attained: 0, count: 0))
    }

    @Test("a run that never reaches the target ranks after every run that does")
    func spreadWithUnreachedRuns() {
        // Odd: 3, 5, n.r. → the middle run reached at 5; the maximum is unbounded.
        #expect(Spread([5, nil, 3]) == Spread(median: 5, minimum: 3, maximum: nil, attained: 2, count: 3))
        // Odd with the middle run unreached.
        #expect(Spread([nil, nil, 1]) == Spread(median: nil, minimum: 1, maximum: nil, attained: 1, count: 3))
        // Even: 1, 2, 4, n.r. → the middle pair (2, 4) both reached.
        #expect(Spread([1, 2, nil, 4]) == Spread(median: 3, minimum: 1, maximum: nil, attained: 3, count: 4))
        // Even with one of the middle pair unreached.
        #expect(Spread([1, nil]) == Spread(median: nil, minimum: 1, maximum: nil, attained: 1, count: 2))
        #expect(Spread([nil, nil]) == Spread(median: nil, minimum: nil, maximum: nil, attained: 0, count: 2))
    }

    /// A run evaluated every 10 steps over 100 steps, at 0.01 s per step, whose test accuracy
    /// is 0.95 from `step` on (never when nil) and 0.5 before.
    func record(_ method: OptimizerMethod, seed: UInt64, reachesAt step: Int?, secondsPerStep: Double = 0.01) -> RunRecord {
        let rows = (0...10).map { k in
            MetricsRow(step: 10 * k, epoch: 1, seconds: secondsPerStep * Double(10 * k), trainLoss: 1,
                       testLoss: step.map { 10 * k >= $0 ? 0.2 : 1 } ?? 1,
                       testAccuracy: step.map { 10 * k >= $0 ? 0.95 : 0.5 } ?? 0.5, timings: .init())
        }
        return RunRecord(method: method, rows: rows, stateBytes: 1_000_000, totalSteps: 100, finalStep: 100,
                         finalSeconds: secondsPerStep * 100, outcome: .finished, seed: seed)
    }

    @Test("hand-made runs are grouped by method and summarised in steps and seconds to the target")
    func summaries() {
        let records = [
            record(.sgd, seed: 0, reachesAt: 80), record(.sgd, seed: 1, reachesAt: 60),
            record(.sgd, seed: 2, reachesAt: 70),
            record(.kfac, seed: 0, reachesAt: 30, secondsPerStep: 0.05), record(.kfac, seed: 1, reachesAt: nil,
                                                                                secondsPerStep: 0.05),
            record(.kfac, seed: 2, reachesAt: 20, secondsPerStep: 0.05),
            record(.kfac, seed: 3, reachesAt: 50, secondsPerStep: 0.05),
        ]
        let summaries = SeedSummary.grouped(records, target: .accuracy(0.9))
        #expect(summaries.map(\.method) == [.sgd, .kfac])
        #expect(summaries[0].steps == Spread(median: 70, minimum: 60, maximum: 80, attained: 3, count: 3))
        // Seconds are steps × 0.01 s; compare with a tolerance of a few ulps of the products.
        let seconds = summaries[0].seconds
        #expect(abs((seconds.median ?? 0) - 0.7) < 1e-12 && abs((seconds.minimum ?? 0) - 0.6) < 1e-12)
        // K-FAC: 20, 30, 50, n.r. → median (30 + 50) / 2 = 40.
        #expect(summaries[1].steps == Spread(median: 40, minimum: 20, maximum: nil, attained: 3, count: 4))

        let table = Report.seedTable(summaries, target: .accuracy(0.9))
        #expect(table.contains("| sgd | 3 |"))
        #expect(table.contains("| 70 [60–80] | 0.70 [0.60–0.80] | 3/3 |"))
        #expect(table.contains("| 40 [20–n.r.] | 2.00 [1.00–n.r.] | 3/4 | 0.57× |"))
        #expect(table.contains("Best first-order method (median steps): sgd, 90.0% acc at step 70"))
        #expect(table.contains("- kfac: median 40 steps = 0.57× (≤ 0.75: yes), median 2.00 s = 2.86× the fastest "
            + "first-order median wall-clock; 3 of 4 runs reached it."))
    }

    @Test("an even number of runs may give a half-step median; a median run that never reaches is n.r.")
    func tableEdgeCases() {
        let summaries = SeedSummary.grouped(
            [record(.adam, seed: 0, reachesAt: 30), record(.adam, seed: 1, reachesAt: 40),
             record(.ekfac, seed: 0, reachesAt: nil), record(.ekfac, seed: 1, reachesAt: 10)],
            target: .accuracy(0.9))
        // Rows every 10 steps: the runs reach at 30 and 40, median 35; steps 3 and 4 give 3.5.
        #expect(Report.spread(summaries[0].steps, decimals: 0) == "35 [30–40]")
        #expect(Report.spread(Spread([3, 4]), decimals: 0) == "3.5 [3–4]")
        // Seconds keep their two decimals unless the median is a half of the last one.
        #expect(Report.spread(Spread([0.567, 0.527, 0.909]), decimals: 2) == "0.57 [0.53–0.91]")
        #expect(Report.spread(Spread([0.52, 0.53]), decimals: 2) == "0.525 [0.52–0.53]")
        #expect(Report.spread(summaries[1].steps, decimals: 0) == "n.r. [10–n.r.]")
        #expect(Report.spread(Spread([nil]), decimals: 0) == "n.r.")
        #expect(Report.seedTable(summaries, target: .accuracy(0.9))
            .contains("- ekfac: median run did not reach 90.0% acc (1 of 2 runs did)."))
    }

    @Test("the median curve interpolates each run at every abscissa and its band spans the runs")
    func medianBand() {
        let curves: [[(x: Double, y: Double)]] = [
            [(0, 0), (2, 2)], [(0, 1), (1, 1), (2, 1)], [(0, 2), (2, 4), (3, 5)],
        ]
        let series = SVGChart.Series.median(label: "m", of: curves)
        #expect(series.points.map(\.x) == [0, 1, 2, 3])
        // x = 1: the runs give 1 (interpolated), 1, 3 (interpolated); x = 3: only the third covers it.
        #expect(series.points.map(\.y) == [1, 1, 2, 5])
        #expect(series.band.map(\.low) == [0, 1, 1, 5])
        #expect(series.band.map(\.high) == [2, 3, 4, 5])
        // Even count at x = 0 of two runs: the mean of the two.
        #expect(SVGChart.Series.median(label: "m", of: [[(0, 1)], [(0, 2)]]).points.map(\.y) == [1.5])
        let svg = SVGChart.document([SVGChart(title: "t", xLabel: "x", yLabel: "y", series: [series])])
        let inspector = SVGInspector.inspect(Data(svg.utf8))
        #expect(inspector?.elements["polygon"] == 1 && inspector?.elements["polyline"] == 1)
    }

    /// The rows of `metrics.csv` in `folder` as field arrays, by method and seed.
    func csvRows(_ folder: String) throws -> [[String]] {
        try String(contentsOfFile: folder + "/metrics.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("compare --seeds 2 runs every method twice, tabulates medians and draws bands")
    func compareWithSeeds() throws {
        let folder = temporaryFolder()
        let result = ToolHarness.run(["compare", "--optimizers", "sgd,kfac", "--steps", "6", "--seeds", "2",
                                      "--target-loss", "1e-9", "-o", folder] + tinyRun)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("seeds 0…1"))
        #expect(result.output.contains("| sgd | 2 |") && result.output.contains("| kfac | 2 |"))
        #expect(result.output.contains("| n.r. | n.r. | 0/2 |"))
        let rows = try csvRows(folder)
        let seedColumn = MetricsRow.csvHeader.split(separator: ",").firstIndex(of: "seed")
        #expect(seedColumn == MetricsRow.csvHeader.split(separator: ",").count - 1)
        for method in ["sgd", "kfac"] {
            for seed in ["0", "1"] {
                #expect(rows.filter { $0[0] == method && $0.last == seed }.map { $0[1] } == ["0", "2", "4", "6"])
            }
        }
        // Different seeds: different initial weights, so different initial test losses.
        let initial = rows.filter { $0[0] == "sgd" && $0[1] == "0" }.map { $0[5] }
        #expect(initial.count == 2 && initial[0] != initial[1])
        let inspector = try #require(SVGInspector.inspect(try Data(contentsOf: URL(fileURLWithPath: folder + "/report.svg"))))
        #expect(inspector.elements["polygon"] == 2 * 4 && inspector.elements["polyline"] == 2 * 4)
        #expect(inspector.text.contains("sgd (median of 2)"))
    }

    @Test("train --seeds 2 reproduces the single runs of both seeds and writes no checkpoint")
    func trainWithSeeds() throws {
        let folder = temporaryFolder()
        let result = ToolHarness.run(["train", "--optimizer", "sgd", "--steps", "4", "--seeds", "2", "--seed", "5",
                                      "-o", folder] + tinyRun)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("seed 5: 4 steps") && result.output.contains("seed 6: 4 steps"))
        #expect(result.output.contains("sgd, median of 2 runs"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/checkpoint.npz"))
        let single = temporaryFolder("single")
        #expect(ToolHarness.run(["train", "--optimizer", "sgd", "--steps", "4", "--seed", "6", "-o", single]
            + tinyRun).status == 0)
        // Losses and accuracies (columns 4…6) of seed 6 equal the single run's; times differ.
        let losses = { (rows: [[String]]) in rows.map { Array($0[4...6]) } }
        #expect(losses(try csvRows(folder).filter { $0.last == "6" }) == losses(try csvRows(single)))

        let refused = ToolHarness.run(["train", "--seeds", "2", "--checkpoint-every", "2", "-o", temporaryFolder()])
        #expect(refused.status == 64)
        #expect(refused.errors.contains("--seeds 2 writes no checkpoint"))
        #expect(ToolHarness.run(["train", "--seeds", "0"]).errors.contains("--seeds must be at least 1, got 0"))
    }
}
