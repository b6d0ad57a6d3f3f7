import CurvatureOptimizers

/// What one method's run produced: its metrics rows and how it ended.
struct RunRecord: Sendable {
    /// How a run ended.
    enum Outcome: Equatable, Sendable {
        case finished
        /// Stopped by Ctrl-C (or the test's stop condition) after `step` steps; a checkpoint was written.
        case interrupted(step: Int, checkpoint: String?)
        /// Stopped by a diverging loss, or not run to the end because of an error: the one-line reason.
        case failed(String)
    }

    /// The run's label: the method name as given on the command line.
    var method: OptimizerMethod
    var rows: [MetricsRow]
    /// Bytes of optimizer state (momenta, factors, eigenbases…) besides the model.
    var stateBytes: Int
    var totalSteps: Int
    /// Steps taken and training seconds spent when the run ended (the last row may be earlier
    /// when it was interrupted between evaluations).
    var finalStep: Int
    var finalSeconds: Double
    var outcome: Outcome
    /// The seed of the initial weights, the batch order and the Monte-Carlo Fisher.
    var seed: UInt64 = 0
    /// How loss scaling went in a bfloat16/float16 run; nil in float32/float64.
    var lossScaling: LossScalingOutcome?

    /// The steps dynamic loss scaling skipped (their scaled gradients overflowed) and the
    /// scale `S` at the end of a low-precision run.
    struct LossScalingOutcome: Sendable, Equatable {
        var skippedSteps: Int
        var finalScale: Double

        init(_ scaler: LossScaler) {
            (skippedSteps, finalScale) = (scaler.skippedSteps, scaler.scale)
        }

        /// `3 skipped, S = 16384`.
        var description: String { "\(skippedSteps) skipped, S = \(Self.scaleText(finalScale))" }

        /// A scale as written: exactly when it is a whole number (powers of two, as dynamic
        /// scaling makes them), else in shortest round-trip form.
        static func scaleText(_ scale: Double) -> String {
            scale == scale.rounded() && abs(scale) < 1e15 ? "\(Int64(scale))" : "\(scale)"
        }
    }

    /// Test accuracy within this of an accuracy target (or test loss within this fraction above
    /// a loss target) switches a comparison's run to an evaluation after every step until the
    /// target is reached, so the step that reaches it is known exactly.
    static var approachMargin: Double { 0.05 }

    /// The most rows a run records near its target between evaluation periods; past it the
    /// step to the target is known to the evaluation period only.
    static var approachRowLimit: Int { 500 }

    /// What a metrics row must reach.
    enum Target: Sendable, Equatable {
        /// Test accuracy at least this fraction.
        case accuracy(Double)
        /// Test loss at most this value.
        case loss(Double)

        func isReached(by row: MetricsRow) -> Bool {
            switch self {
            case let .accuracy(threshold): return (row.testAccuracy ?? -1) >= threshold
            case let .loss(threshold): return row.testLoss <= threshold
            }
        }
    }

    /// The first row that reaches `target`, if any.
    func firstRow(reaching target: Target) -> MetricsRow? { rows.first { target.isReached(by: $0) } }

    /// Mean wall-clock seconds per step.
    var secondsPerStep: Double? { finalStep > 0 ? finalSeconds / Double(finalStep) : nil }
}
