import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks

/// The training step of issue 12's peer comparison: MLP 256-512-512-10, batch 256, float32,
/// Monte-Carlo Fisher, factors every step (T_cov 1), inverses every 20 steps (T_inv 20), as
/// kfac-jax runs it in `Benchmarks/peers/kfac_jax_mlp.py`. Rows: SGD's step against its
/// forward+backward alone, and each K-FAC route's step against SGD's, over one inverse period
/// (so the one refresh is amortised over 20 steps), followed by the optimizer's own phase
/// breakdown per step — forward/backward (with the Monte-Carlo pass), factor update,
/// inversion (amortised, and per refresh), preconditioning and update — and, for the inverse
/// route, each phase's flops (``TrainingStepFlops``) and achieved GFLOP/s. A last row times the
/// Monte-Carlo pass's largest GEMM stacked with the step's own backward (`W₂ᵀ·[g | g̃]`, one GEMM
/// of twice the columns) against the two GEMMs the passes run now.
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

        let flops = TrainingStepFlops(widths: widths, batch: batch)
        print("    flops per step (inverse route): forward+backward \(mflop(flops.forwardBackward)), Monte-Carlo "
              + "backward \(mflop(flops.monteCarloBackward)), factor syrks \(mflop(flops.factorUpdate)), "
              + "preconditioning \(mflop(flops.preconditioning)), inversion \(mflop(flops.inversionPerRefresh)) per "
              + "refresh; K-FAC/SGD \(String(format: "%.2f", flops.kfacOverSGD(inversePeriod: period)))")
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
            if route == .inverse { print("    " + Self.rates(kfac.timings, steps: periods * period, flops: flops)) }
        }
        try stackedBackward(&report)
    }

    /// `W₂ᵀ·[g | g̃]` (the 512 × 512 layer's input gradient for the step's and the Monte-Carlo
    /// pass's output gradients) as one GEMM of `2b` columns against two GEMMs of `b` columns.
    static func stackedBackward(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 13)
        let (m, n) = (widths[2], widths[1])
        let weight = try Matrix<Float>.randomUniform(rows: m, columns: n, in: -1...1, using: &generator)
        let stacked = try Matrix<Float>.randomUniform(rows: m, columns: 2 * batch, in: -1...1, using: &generator)
        let halves = [try Matrix<Float>.randomUniform(rows: m, columns: batch, in: -1...1, using: &generator),
                      try Matrix<Float>.randomUniform(rows: m, columns: batch, in: -1...1, using: &generator)]
        var stackedProduct = try Matrix<Float>(rows: n, columns: 2 * batch)
        var halfProduct = try Matrix<Float>(rows: n, columns: batch)
        try report.compare("Wᵀ·[g | g̃], one GEMM of 2b columns", size: "\(m)×\(n) weight, b = \(batch), Float",
                           flops: 2 * Double(m * n * 2 * batch),
                           kernel: { try Matrix.multiply(weight, stacked, transposingA: .transpose, into: &stackedProduct) },
                           baseline: "two GEMMs of b columns") {
            for half in halves { try Matrix.multiply(weight, half, transposingA: .transpose, into: &halfProduct) }
        }
    }

    /// Flops in MFLOP, for the accounting line.
    static func mflop(_ flops: Double) -> String { String(format: "%.1f MFLOP", flops / 1e6) }

    /// The inverse route's achieved GFLOP/s per phase: the mean phase times against ``TrainingStepFlops``
    /// (the forward+backward phase holds the step's pass and the Monte-Carlo one).
    static func rates(_ t: PhaseTimings, steps count: Int, flops: TrainingStepFlops) -> String {
        let steps = Double(count)
        func rate(_ flopCount: Double, _ seconds: Double) -> String {
            String(format: "%.1f", flopCount * steps / seconds / 1e9)
        }
        return "GFLOP/s per phase: forward+backward \(rate(flops.forwardBackward + flops.monteCarloBackward, t.forwardBackward)), "
            + "factor update \(rate(flops.factorUpdate, t.factorUpdate)), "
            + "inversion \(rate(flops.inversionPerRefresh / Double(period), t.inversion)), "
            + "preconditioning \(rate(flops.preconditioning, t.application))"
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
