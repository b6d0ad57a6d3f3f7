import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks

/// The training step of issue 12's peer comparison: MLP 256-512-512-10, batch 256, float32,
/// Monte-Carlo Fisher, factors every step (T_cov 1), inverses every 20 steps (T_inv 20), as
/// kfac-jax runs it in `Benchmarks/peers/kfac_jax_mlp.py`. Rows: SGD's step against its
/// forward+backward alone, and each K-FAC route's step against SGD's, over one inverse period
/// (so the one refresh is amortised over 20 steps), followed by the optimizer's own phase
/// breakdown per step — forward/backward (with the Monte-Carlo pass), factor update,
/// inversion (amortised, and per refresh), preconditioning and update.
enum TrainingStepSection {
    static let widths = [256, 512, 512, 10]
    static let batch = 256
    static let period = 20

    static func run(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 12)
        let input = try Matrix<Float>.randomUniform(rows: widths[0], columns: batch, in: 0...1, using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
        let target = try Matrix<Float>.oneHot(labels, classCount: 10)
        let loss = SoftmaxCrossEntropy<Float>()
        let size = "MLP \(widths.map(String.init).joined(separator: "-")), batch \(batch), Float"

        var sgdModel = try OptimizerSection.mlp(widths, seed: 1)
        var sgd = try StochasticGradientDescent<Float>(model: sgdModel, options: .init(learningRate: 0.01))
        var gradientModel = try OptimizerSection.mlp(widths, seed: 1)
        try report.compare("SGD step, \(period) steps", size: size,
                           kernel: { for _ in 0..<period { _ = try sgd.step(&sgdModel, input: input, target: target, loss: loss) } },
                           baseline: "forward+loss+backward alone, \(period) times") {
            for _ in 0..<period { try gradientModel.computeGradients(input: input, target: target, loss: loss) }
        }
        for route in KroneckerBlockOptions.Route.allCases {
            var model = try OptimizerSection.mlp(widths, seed: 1)
            var kfac = try KFAC<Float>(
                model: model, options: .init(learningRate: 0.01, factorUpdatePeriod: 1, inverseUpdatePeriod: period),
                configuration: .init(options: .init(route: route)))
            var periods = 0
            try report.compare(
                "K-FAC \(route) route step, \(period) steps (T_cov 1, T_inv \(period), Monte-Carlo Fisher)", size: size,
                kernel: {
                    for _ in 0..<period { _ = try kfac.step(&model, input: input, target: target, loss: loss) }
                    periods += 1
                },
                baseline: "SGD, \(period) steps") {
                for _ in 0..<period { _ = try sgd.step(&sgdModel, input: input, target: target, loss: loss) }
            }
            print("    " + Self.phases(kfac.timings, steps: periods * period, refreshes: periods))
        }
    }

    /// One line of an optimizer's phase times per step: means over every timed step (warm-up
    /// included), the phases' shares rather than a best time.
    static func phases(_ t: PhaseTimings, steps count: Int, refreshes: Int) -> String {
        let steps = Double(count)
        func ms(_ seconds: Double) -> String { String(format: "%.2f", 1000 * seconds / steps) }
        return "phases, ms per step (mean of \(count) steps): forward+backward \(ms(t.forwardBackward)), "
            + "factor update \(ms(t.factorUpdate)), inversion amortised \(ms(t.inversion)) "
            + "(\(String(format: "%.2f", 1000 * t.inversion / Double(refreshes))) per refresh), "
            + "preconditioning+update \(ms(t.application)), total \(ms(t.total))"
    }
}
