import CurvatureOptimizers
import Foundation

extension Report {
    /// A Markdown table of methods run with several seeds: per method the median final test
    /// loss and accuracy, the median and range of the steps and seconds to `target`, how many
    /// runs reached it, the median steps as a multiple of the best first-order method's, the
    /// median time per step and the optimizer state; then one line per second-order method
    /// comparing its medians with the first-order methods'.
    ///
    /// A run that never reaches the target ranks after every run that does (see
    /// ``SeedSummary/Spread``): a median of "n.r." means at least half the runs did not reach it.
    static func seedTable(_ summaries: [SeedSummary], target: RunRecord.Target) -> String {
        let targetName = name(of: target)
        let runs = Set(summaries.map(\.records.count)).sorted().map(String.init).joined(separator: "/")
        let best = bestFirstOrder(summaries) { $0.steps.median }
        let scaled = summaries.contains { $0.records.contains { $0.lossScaling != nil } }
        var lines = [
            resolutionNote,
            "Median [min–max] over \(runs) seeds per method; a run that does not reach the target counts as slower "
                + "than every run that does (n.r. = not reached).",
            "",
            "| method | runs | train loss | test loss | test acc | steps to \(targetName) | s to \(targetName) "
                + "| reached | steps vs best 1st-order | ms/step | state |" + (scaled ? " skipped steps | final loss scale |" : ""),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + (scaled ? "---:|---:|" : ""),
        ]
        for summary in summaries {
            let lasts = summary.records.compactMap(\.rows.last)
            func median(_ value: (MetricsRow) -> Double?) -> Double? { SeedSummary.median(lasts.compactMap(value)) }
            var name = summary.method.rawValue
            if summary.failures > 0 { name += " (\(summary.failures) failed)" }
            if summary.records.contains(where: { if case .interrupted = $0.outcome { true } else { false } }) {
                name += " (interrupted)"
            }
            var ratio = "–"
            if let steps = summary.steps.median, let bestSteps = best?.steps.median {
                ratio = String(format: "%.2f×", steps / bestSteps)
            }
            let perStep = SeedSummary.median(summary.records.compactMap(\.secondsPerStep))
            var cells: [String] = [
                name, "\(summary.records.count)", median(\.trainLoss).map(number) ?? "–",
                median(\.testLoss).map(number) ?? "–", median(\.testAccuracy).map(percent) ?? "–",
                spread(summary.steps, decimals: 0), spread(summary.seconds, decimals: 2),
                "\(summary.steps.attained)/\(summary.steps.count)", ratio,
                perStep.map { String(format: "%.1f", 1000 * $0) } ?? "–",
                bytes(summary.records.map(\.stateBytes).max() ?? 0),
            ]
            if scaled { cells += lossScalingCells(summary.records) }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        for summary in summaries {
            for record in summary.records {
                if case let .failed(reason) = record.outcome {
                    lines.append("- \(summary.method.rawValue) seed \(record.seed) failed: \(reason)")
                }
            }
        }
        guard let best, let bestSteps = best.steps.median else {
            lines.append("No first-order method reached \(targetName) in the median.")
            return lines.joined(separator: "\n")
        }
        let fastest = bestFirstOrder(summaries) { $0.seconds.median } ?? best
        let fastestSeconds = fastest.seconds.median ?? .infinity
        lines.append("Best first-order method (median steps): \(best.method.rawValue), \(targetName) at step "
            + "\(value(bestSteps, decimals: 0)); fastest in median wall-clock: \(fastest.method.rawValue) "
            + "(\(value(fastestSeconds, decimals: 2)) s).")
        for summary in summaries where !summary.method.isFirstOrder {
            guard let steps = summary.steps.median, let seconds = summary.seconds.median else {
                lines.append("- \(summary.method.rawValue): median run did not reach \(targetName) "
                    + "(\(summary.steps.attained) of \(summary.steps.count) runs did).")
                continue
            }
            let stepRatio = steps / bestSteps
            lines.append("- \(summary.method.rawValue): median \(value(steps, decimals: 0)) steps = "
                + "\(String(format: "%.2f", stepRatio))× (≤ 0.75: \(stepRatio <= 0.75 ? "yes" : "no")), median "
                + "\(value(seconds, decimals: 2)) s = \(String(format: "%.2f", seconds / max(fastestSeconds, 1e-9)))× "
                + "the fastest first-order median wall-clock; \(summary.steps.attained) of \(summary.steps.count) "
                + "runs reached it.")
        }
        return lines.joined(separator: "\n")
    }

    /// The skipped steps of each seed's run, and the final loss scales (each distinct one once),
    /// of low-precision runs: `0, 2, 1` and `65536, 32768`; `–` for runs without loss scaling.
    static func lossScalingCells(_ records: [RunRecord]) -> [String] {
        let outcomes = records.compactMap(\.lossScaling)
        guard !outcomes.isEmpty else { return ["–", "–"] }
        var scales: [Double] = []
        for scale in outcomes.map(\.finalScale) where !scales.contains(scale) { scales.append(scale) }
        return [outcomes.map { "\($0.skippedSteps)" }.joined(separator: ", "),
                scales.map(RunRecord.LossScalingOutcome.scaleText).joined(separator: ", ")]
    }

    /// The first-order summary with the smallest `key` (a median), if any has one.
    static func bestFirstOrder(_ summaries: [SeedSummary], by key: (SeedSummary) -> Double?) -> SeedSummary? {
        summaries.filter(\.method.isFirstOrder)
            .compactMap { summary in key(summary).map { (summary, $0) } }
            .min { $0.1 < $1.1 }?.0
    }

    /// `52 [48–60]`, `52 [48–n.r.]`, `n.r. [48–n.r.]`, or `n.r.` when no run attained a value.
    static func spread(_ spread: SeedSummary.Spread, decimals: Int) -> String {
        guard let minimum = spread.minimum else { return "n.r." }
        let median = spread.median.map { value($0, decimals: decimals) } ?? "n.r."
        let maximum = spread.maximum.map { value($0, decimals: decimals) } ?? "n.r."
        return "\(median) [\(value(minimum, decimals: decimals))–\(maximum)]"
    }

    /// `value` with `decimals` decimals, or one more when it lies halfway between two such
    /// numbers (an even count's median of steps: `3.5`).
    static func value(_ value: Double, decimals: Int) -> String {
        let scaled = value * pow(10, Double(decimals))
        // Within 1e-6 of a half counts as one: rounding noise of a mean of two values.
        let half = abs(abs(scaled - scaled.rounded(.down)) - 0.5) < 1e-6
        return String(format: "%.\(half ? decimals + 1 : decimals)f", value)
    }
}
