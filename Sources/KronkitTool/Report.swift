import CurvatureOptimizers
import Foundation

/// The files and tables made from finished runs: `metrics.csv`, `report.svg` and
/// the comparison table `kronkit compare` prints.
enum Report {
    /// Every run's rows, method first.
    static func csv(_ records: [RunRecord]) -> String {
        var text = MetricsRow.csvHeader + "\n"
        for record in records {
            for row in record.rows { text += row.csvLine(method: record.method.rawValue, seed: record.seed) + "\n" }
        }
        return text
    }

    /// Four charts, one line per method: test loss and test accuracy (train loss for the
    /// autoencoder) against the step and against wall-clock seconds. A method run with several
    /// seeds is drawn as the median of its runs with their range as a shaded band.
    static func svg(_ records: [RunRecord], task: ModelKind.Task, title: String) -> String {
        let groups = SeedSummary.runsByMethod(records)
        func series(_ x: (MetricsRow) -> Double, _ y: (MetricsRow) -> Double?) -> [SVGChart.Series] {
            groups.map { runs in
                let curves = runs.map { record in record.rows.compactMap { row in y(row).map { (x: x(row), y: $0) } } }
                let label = runs[0].method.rawValue
                guard runs.count > 1 else { return SVGChart.Series(label: label, points: curves[0]) }
                return SVGChart.Series.median(label: "\(label) (median of \(runs.count))", of: curves)
            }
        }
        let step: (MetricsRow) -> Double = { Double($0.step) }
        let seconds: (MetricsRow) -> Double = { $0.seconds }
        let testLoss: (MetricsRow) -> Double? = { $0.testLoss }
        let second: (label: String, value: (MetricsRow) -> Double?, logarithmic: Bool)
        switch task {
        case .classification: second = ("test accuracy (%)", { $0.testAccuracy.map { 100 * $0 } }, false)
        case .reconstruction: second = ("training loss", { $0.trainLoss }, true)
        }
        // Losses above 4× the worst initial test loss belong to a diverging run: off the chart.
        let lossLimit = 4 * (records.compactMap { $0.rows.first?.testLoss }.filter(\.isFinite).max() ?? .infinity)
        let secondLimit = task == .classification ? nil : lossLimit
        let charts = [
            SVGChart(title: "\(title): test loss per step", xLabel: "optimizer step", yLabel: "test loss",
                     series: series(step, testLoss), logarithmicY: true, yLimit: lossLimit),
            SVGChart(title: "\(title): \(second.label) per step", xLabel: "optimizer step", yLabel: second.label,
                     series: series(step, second.value), logarithmicY: second.logarithmic, yLimit: secondLimit),
            SVGChart(title: "\(title): test loss against time", xLabel: "wall-clock training time (s)",
                     yLabel: "test loss", series: series(seconds, testLoss), logarithmicY: true, yLimit: lossLimit),
            SVGChart(title: "\(title): \(second.label) against time", xLabel: "wall-clock training time (s)",
                     yLabel: second.label, series: series(seconds, second.value), logarithmicY: second.logarithmic,
                     yLimit: secondLimit),
        ]
        return SVGChart.document(charts)
    }

    /// How exactly the tables know the step that reaches a target.
    static var resolutionNote: String {
        "Steps to the target at a resolution of one step: rows are recorded at every step once a run is "
            + "within \(percent(RunRecord.approachMargin)) of it (at most \(RunRecord.approachRowLimit) such rows "
            + "per run, then every --eval-every steps)."
    }

    /// The table's name for `target`: `90.0% acc`, `loss 0.25`.
    static func name(of target: RunRecord.Target) -> String {
        switch target {
        case let .accuracy(value): return "\(percent(value)) acc"
        case let .loss(value): return "loss \(number(value))"
        }
    }

    /// A Markdown table of the runs: final losses and accuracy, steps and seconds to `target`
    /// (and the steps as a multiple of the fastest first-order method's), time per step and
    /// optimizer state; then one line per second-order method answering whether it reached
    /// the target in at most 75 % of the best first-order method's steps, and at what time cost
    /// relative to the first-order method that got there soonest in wall-clock time.
    static func comparisonTable(_ records: [RunRecord], target: RunRecord.Target) -> String {
        let targetName = name(of: target)
        let best = bestFirstOrder(records, target: target)
        let scaled = records.contains { $0.lossScaling != nil }
        var lines = [
            resolutionNote,
            "",
            "| method | train loss | test loss | test acc | steps to \(targetName) | s to \(targetName) "
                + "| steps vs best 1st-order | ms/step | state |" + (scaled ? " loss scaling |" : ""),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|" + (scaled ? "---:|" : ""),
        ]
        for record in records {
            let last = record.rows.last
            let reached = record.firstRow(reaching: target)
            var ratio = "–"
            if let reached, let best { ratio = String(format: "%.2f×", Double(reached.step) / Double(best.row.step)) }
            var name = record.method.rawValue
            if case .failed = record.outcome { name += " (failed)" }
            if case .interrupted = record.outcome { name += " (interrupted)" }
            let trainLoss: String = last?.trainLoss.map(number) ?? "–"
            let testLoss: String = last.map { number($0.testLoss) } ?? "–"
            let accuracy: String = last?.testAccuracy.map(percent) ?? "–"
            let steps: String = reached.map { "\($0.step)" } ?? "not reached"
            let seconds: String = reached.map { String(format: "%.2f", $0.seconds) } ?? "–"
            let perStep: String = record.secondsPerStep.map { String(format: "%.1f", 1000 * $0) } ?? "–"
            var cells: [String] = [name, trainLoss, testLoss, accuracy, steps, seconds, ratio, perStep,
                                   bytes(record.stateBytes)]
            if scaled { cells.append(record.lossScaling?.description ?? "–") }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        for record in records {
            if case let .failed(reason) = record.outcome { lines.append("- \(record.method.rawValue) failed: \(reason)") }
        }
        guard let best else {
            lines.append("No first-order method reached \(targetName).")
            return lines.joined(separator: "\n")
        }
        let fastest = bestFirstOrder(records, target: target, byTime: true) ?? best
        lines.append("Best first-order method: \(best.method.rawValue), \(targetName) at step \(best.row.step) "
            + "(\(String(format: "%.2f", best.row.seconds)) s); fastest in wall-clock: \(fastest.method.rawValue) "
            + "(\(String(format: "%.2f", fastest.row.seconds)) s).")
        for record in records where !record.method.isFirstOrder {
            guard let reached = record.firstRow(reaching: target) else {
                lines.append("- \(record.method.rawValue): did not reach \(targetName).")
                continue
            }
            let stepRatio = Double(reached.step) / Double(best.row.step)
            let timeRatio = reached.seconds / max(fastest.row.seconds, 1e-9)
            lines.append("- \(record.method.rawValue): \(reached.step) steps = \(String(format: "%.2f", stepRatio))× "
                + "(≤ 0.75: \(stepRatio <= 0.75 ? "yes" : "no")), \(String(format: "%.2f", reached.seconds)) s = "
                + "\(String(format: "%.2f", timeRatio))× the fastest first-order wall-clock.")
        }
        return lines.joined(separator: "\n")
    }

    /// The first-order run that reaches `target` in the fewest steps (ties: the fewer seconds),
    /// or `byTime` in the fewest seconds.
    static func bestFirstOrder(_ records: [RunRecord], target: RunRecord.Target, byTime: Bool = false)
        -> (method: OptimizerMethod, row: MetricsRow)? {
        records.filter(\.method.isFirstOrder)
            .compactMap { record in record.firstRow(reaching: target).map { (record.method, $0) } }
            .min { byTime ? $0.1.seconds < $1.1.seconds : ($0.1.step, $0.1.seconds) < ($1.1.step, $1.1.seconds) }
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", 100 * fraction) }

    static func number(_ value: Double) -> String { String(format: "%.4g", value) }

    /// `812 KB`, `3.4 MB`.
    static func bytes(_ count: Int) -> String {
        if count < 1_000_000 { return String(format: "%.0f KB", Double(count) / 1000) }
        return String(format: "%.1f MB", Double(count) / 1_000_000)
    }
}
