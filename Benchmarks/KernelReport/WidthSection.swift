import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import KroneckerOperators
import NeuralNetworks
import StructuredFactors
import SymmetricEigen

/// The K-FAC family at width (issue 15): one optimizer step of an MLP 784-w-w-10 at batch 128,
/// Float, amortised over an inverse period (T_inv = 20, T_cov = 10 unless `--width-periods`
/// says otherwise), for every method against
/// SGD-momentum; the scaling exponent in w of each method's preconditioner cost (its step less
/// SGD's step, SGD measured again right before each method so that the machine's load drifts
/// little between the two), the optimizer state, and where a step's time goes by phase.
enum WidthSection {
    /// One method's measurement at one width.
    struct Measurement {
        /// Seconds per step, the best period's mean.
        var secondsPerStep: Double
        /// Optimizer state in bytes (momenta, factors, decompositions), besides the model.
        var stateBytes: Int
        /// The best period's seconds per step by phase.
        var phases: PhaseTimings
    }

    /// The curvature periods every method runs with: factor updates every `factor` steps
    /// (T_cov), refreshes of the decompositions or inverses every `inverse` steps (T_inv).
    struct Periods {
        var factor: Int
        var inverse: Int

        /// The steps of one timed period: the smallest common multiple of T_cov and T_inv, repeated
        /// to at least 20 steps, so that each period holds whole numbers of both updates.
        var timedSteps: Int {
            var (a, b) = (factor, inverse)
            while b != 0 { (a, b) = (b, a % b) }
            let common = factor / a * inverse
            return common * Swift.max(1, (20 + common - 1) / common)
        }

        /// `T_cov 10, T_inv 20`.
        var label: String { "T_cov \(factor), T_inv \(inverse)" }
    }

    static let (batch, rank) = (128, 64)
    static let defaultPeriods = Periods(factor: 10, inverse: 20)

    /// The baseline, measured before every other method and at every width.
    static let baselineName = "SGD-momentum"
    static let lowRankMethods: [LowRankKFACBlock<Float>.Method] = [.randomizedSVD, .randomizedEVD, .brand, .brandWithCorrection]
    static let singdName = "SINGD diagonal"
    static func name(of route: KroneckerBlockOptions.Route) -> String { "K-FAC \(route) route" }
    static func name(of method: LowRankKFACBlock<Float>.Method) -> String { "\(method.rawValue) rank \(rank)" }

    /// Every method the section measures, in its order.
    static var methodNames: [String] {
        [baselineName] + KroneckerBlockOptions.Route.allCases.map(name(of:)) + lowRankMethods.map(name(of:)) + [singdName]
    }

    /// Whether `--width-methods`' patterns (lower-cased) select `name`: the baseline always runs.
    static func selects(_ patterns: [String]?, _ name: String) -> Bool {
        guard let patterns, name != baselineName else { return true }
        return patterns.contains { name.lowercased().contains($0) }
    }

    static func run(_ report: inout KernelReport) throws {
        let widths = report.widths ?? (report.quick ? [256, 512, 1024] : [512, 1024, 2048, 4096])
        let methods = report.widthMethods
        let periods = report.widthPeriods ?? defaultPeriods
        print("  \(periods.label): \(periods.timedSteps) steps per timed period")
        var generator = Xoshiro256StarStar(seed: 15)
        let input = try Matrix<Float>.randomGaussian(rows: 784, columns: batch, using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
        let target = try Matrix<Float>.oneHot(labels, classCount: 10)
        let options = KroneckerOptimizerOptions(learningRate: 0.01, factorUpdatePeriod: periods.factor,
                                                inverseUpdatePeriod: periods.inverse)
        let singdOptions = KroneckerOptimizerOptions(learningRate: 0.01, klClip: nil, factorUpdatePeriod: periods.factor)
        // name → seconds per step at each width, in the order measured, with the SGD step measured just before.
        var table: [Entry] = []
        let sgd = { (model: Sequential<Float>) in
            try StochasticGradientDescent<Float>(model: model, options: .init(learningRate: 0.01))
        }
        for width in widths {
            let widthsOfModel = [784, width, width, 10]
            // The largest widths take seconds per period: one period there, the best of three below.
            let repeats = width >= 2048 ? 1 : (report.quick ? 2 : 3)
            func measure(_ name: String, _ make: (Sequential<Float>) throws -> some Optimizer<Float>) throws {
                guard selects(methods, name) else { return }
                let baseline = name == baselineName
                    ? nil : try Self.measure(widths: widthsOfModel, steps: periods.timedSteps, repeats: repeats,
                                             input: input, target: target, sgd)
                let measurement = try Self.measure(widths: widthsOfModel, steps: periods.timedSteps, repeats: repeats,
                                                   input: input, target: target, make)
                table.append(Entry(name: name, width: width, measurement: measurement, baseline: baseline))
                let phases = measurement.phases
                print("  \(name) [w \(width)]: \(format(measurement.secondsPerStep)) per step, state "
                    + "\(megabytes(measurement.stateBytes)); per step fwd/bwd \(format(phases.forwardBackward)), "
                    + "factors \(format(phases.factorUpdate)), inversion \(format(phases.inversion)), "
                    + "preconditioning \(format(phases.application))")
            }
            try measure(baselineName, sgd)
            for route in KroneckerBlockOptions.Route.allCases {
                try measure(name(of: route)) {
                    try KFAC<Float>(model: $0, options: options, configuration: .init(options: .init(route: route)))
                }
            }
            for method in lowRankMethods {
                try measure(name(of: method)) {
                    try LowRankKFAC<Float>(model: $0, options: options, configuration: .init(method: method, rank: rank))
                }
            }
            try measure(singdName) {
                try SINGD<DiagonalMatrix<Float>, DiagonalMatrix<Float>>(model: $0, options: singdOptions,
                                                                          configuration: .init())
            }
        }
        record(table, widths: widths, periods: periods, into: &report)
        if let largest = widths.max() {
            try compareForwardBackward(width: largest, input: input, target: target, into: &report)
            try comparePreconditioning(width: largest, into: &report, using: &generator)
        }
    }

    /// SGD's forward and backward pass (every gradient formed) on the MLP 784-w-w-10 against its
    /// GEMMs alone — the same shapes and transposes into preallocated outputs, nothing else: how
    /// close the pass that every method's step contains runs to the BLAS floor. The speedup column
    /// is the fraction of that floor attained (1 = at the floor).
    static func compareForwardBackward(width: Int, input: Matrix<Float>, target: Matrix<Float>,
                                       into report: inout KernelReport) throws {
        let widths = [784, width, width, 10]
        var model = try OptimizerSection.mlp(widths, seed: 1)
        var generator = Xoshiro256StarStar(seed: 16)
        // Per layer: the weight with its bias column (m × (n + 1)), the inputs with their row of
        // ones ((n + 1) × b) and the output gradient (m × b); the outputs each GEMM writes.
        var gemms: [() throws -> Void] = []
        for (index, (n, m)) in zip(widths, widths.dropFirst()).enumerated() {
            let weight = try Matrix<Float>.randomGaussian(rows: m, columns: n + 1, using: &generator)
            let inputs = try Matrix<Float>.randomGaussian(rows: n + 1, columns: batch, using: &generator)
            let outputGradient = try Matrix<Float>.randomGaussian(rows: m, columns: batch, using: &generator)
            var output = try Matrix<Float>(rows: m, columns: batch)
            var weightGradient = try Matrix<Float>(rows: m, columns: n + 1)
            var inputGradient = try Matrix<Float>(rows: n, columns: batch)
            let weightWithoutBias = try weight.submatrix(rows: 0..<m, columns: 0..<n)
            gemms.append { try Matrix.multiply(weight, inputs, into: &output) }
            gemms.append { try Matrix.multiply(outputGradient, inputs, transposingB: .transpose, into: &weightGradient) }
            if index > 0 {
                gemms.append { try Matrix.multiply(weightWithoutBias, outputGradient, transposingA: .transpose, into: &inputGradient) }
            }
        }
        let loss = SoftmaxCrossEntropy<Float>()
        try report.compare("SGD forward/backward (every gradient), MLP 784-w-w-10", size: "w = \(width), batch \(batch), Float",
                           flops: TrainingStepFlops(widths: widths, batch: batch).forwardBackward,
                           repetitions: report.quick ? 3 : 5,
                           kernel: { _ = try model.computeGradients(input: input, target: target, loss: loss) },
                           baseline: "its GEMMs alone") {
            for gemm in gemms { try gemm() }
        }
    }

    /// The eigen-route preconditioning of B-KFAC and RS-KFAC on the middle layer's `w × w`
    /// gradient (rank 64 each side, a batch-128 gradient `g·aᵀ`): the partial matrix form from the
    /// gradient's factors (issue 15) against the same inverse through the vectorised partial
    /// eigenbasis (the path before it), alternating in one process, best of N each — a ratio
    /// that the machine's load affects less than the steps' wall-clock times.
    static func comparePreconditioning(width n: Int, into report: inout KernelReport,
                                       using generator: inout Xoshiro256StarStar) throws {
        let r = Swift.min(rank, n)
        func decomposition() throws -> SymmetricEigendecomposition<Float> {
            let basis = try QRFactorization(Matrix<Float>.randomGaussian(rows: n, columns: r, using: &generator)).q
            return try SymmetricEigendecomposition(eigenvalues: (0..<r).map { 1 / Float($0 + 1) }, eigenvectors: basis)
        }
        let eigenbasis = try KroneckerEigendecomposition(decomposition(), decomposition())
        let g = try Matrix<Float>.randomGaussian(rows: n, columns: batch, using: &generator)
        let a = try Matrix<Float>.randomGaussian(rows: n, columns: batch, using: &generator)
        let v = try g.multiplied(by: a, transposingOther: .transpose)
        var result = Matrix<Float>()
        let (damping, size) = (Float(0.1), "\(n)×\(n) gradient, rank \(r), batch \(batch), Float")
        let flops = Double(2 * n * n * r + 2 * batch * (2 * n * r + r * r) + 2 * n * r * r)
        try report.compare("B-KFAC eigen-route preconditioning, partial matrix form from g·aᵀ", size: size, flops: flops,
                           repetitions: report.quick ? 3 : 5,
                           kernel: {
                               try eigenbasis.dampedInverse(applyingToMatrix: v, factoredAs: (g, a), damping: damping,
                                                            into: &result)
                           }, baseline: "vectorised partial eigenbasis (before issue 15)") {
            _ = try eigenbasis.dampedInverse(applyingTo: v.reshaped(rows: n * n, columns: 1), damping: damping)
        }
    }

    /// Steps of a fresh `make(model)` on the MLP of `widths`: one untimed step (the first factor
    /// update and inversion), then `repeats` timed periods of `steps` steps, each holding whole
    /// numbers of inversions and factor updates (``Periods/timedSteps``); the best period counts.
    /// - Throws: optimizer errors, or `invalidArgument` when a loss is not finite.
    static func measure(widths: [Int], steps: Int, repeats: Int, input: Matrix<Float>, target: Matrix<Float>,
                        _ make: (Sequential<Float>) throws -> some Optimizer<Float>) throws -> Measurement {
        var model = try OptimizerSection.mlp(widths, seed: 1)
        var optimizer = try make(model)
        let loss = SoftmaxCrossEntropy<Float>()
        var losses = [try optimizer.step(&model, input: input, target: target, loss: loss).loss]
        var best = Measurement(secondsPerStep: .infinity, stateBytes: 0, phases: PhaseTimings())
        for _ in 0..<repeats {
            let before = optimizer.timings
            let start = Timing.now()
            for _ in 0..<steps {
                losses.append(try optimizer.step(&model, input: input, target: target, loss: loss).loss)
            }
            let seconds = (Timing.now() - start) / Double(steps)
            if seconds < best.secondsPerStep {
                let after = optimizer.timings, count = Double(steps)
                best.secondsPerStep = seconds
                best.phases = PhaseTimings(
                    forwardBackward: (after.forwardBackward - before.forwardBackward) / count,
                    factorUpdate: (after.factorUpdate - before.factorUpdate) / count,
                    inversion: (after.inversion - before.inversion) / count,
                    application: (after.application - before.application) / count)
            }
        }
        guard losses.allSatisfy(\.isFinite) else {
            throw LinearAlgebraError.invalidArgument(operation: "width section", detail: "a loss was not finite: \(losses)")
        }
        best.stateBytes = optimizer.stateSize * MemoryLayout<Float>.size
        return best
    }

    /// One method at one width, with the SGD step measured right before it (nil for SGD's own).
    struct Entry {
        var name: String
        var width: Int
        var measurement: Measurement
        var baseline: Measurement?
    }

    /// Rows against SGD at each width, the exponents of the preconditioner costs, and the
    /// markdown tables of steps, state and phases.
    static func record(_ table: [Entry], widths: [Int], periods: Periods, into report: inout KernelReport) {
        var names: [String] = []
        for entry in table where !names.contains(entry.name) { names.append(entry.name) }
        func entry(_ name: String, _ width: Int) -> Entry? { table.first { $0.name == name && $0.width == width } }
        var text = "\n| method | w | ms/step | SGD ms/step (just before) | × SGD | preconditioner (ms) | state | fwd/bwd "
            + "| factors | inversion | preconditioning |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for name in names {
            var costs: [Double] = [], factorSeconds: [Double] = [], inversionSeconds: [Double] = []
            for width in widths {
                guard let method = entry(name, width),
                      let sgd = method.baseline ?? entry(baselineName, width)?.measurement else { continue }
                // The preconditioner's cost is everything the method's step adds to SGD's: the step less
                // the SGD step measured just before it. (The phases do not give it: where a low-rank
                // block folds ∇W = g·aᵀ into its update, the gradient's GEMM moves out of the backward
                // pass, and the K-FAC family's momentum and weight update are in no phase.)
                let (m, phases) = (method.measurement, method.measurement.phases)
                let cost = m.secondsPerStep - sgd.secondsPerStep
                costs.append(cost)
                factorSeconds.append(phases.factorUpdate)
                inversionSeconds.append(phases.inversion)
                let size = "MLP 784-\(width)-\(width)-10, batch \(batch), state \(megabytes(m.stateBytes))"
                report.record(ReportRow(name: "\(name), step (\(periods.label)) Float",
                                        size: size, seconds: m.secondsPerStep, baseline: "\(baselineName) step",
                                        baselineSeconds: sgd.secondsPerStep,
                                        speedup: sgd.secondsPerStep / m.secondsPerStep, gflops: nil))
                let columns = [phases.forwardBackward, phases.factorUpdate, phases.inversion, phases.application]
                text += "| \(name) | \(width) | \(String(format: "%.1f", 1000 * m.secondsPerStep)) | "
                    + "\(String(format: "%.1f", 1000 * sgd.secondsPerStep)) | "
                    + "\(String(format: "%.2f", m.secondsPerStep / sgd.secondsPerStep)) | "
                    + "\(String(format: "%.1f", 1000 * cost)) | \(megabytes(m.stateBytes)) | "
                    + columns.map { String(format: "%.1f", 1000 * $0) }.joined(separator: " | ") + " |\n"
            }
            // The exponent needs a positive cost at every width; SGD's own is zero.
            // Fitted over every width, and between the two largest alone: the asymptotic slope the
            // theory's exponent describes, where the O(n²·b) terms that flatten the fit at small w
            // matter least.
            if name != baselineName, widths.count >= 2, costs.count == widths.count, costs.allSatisfy({ $0 > 0 }) {
                let exponent = Timing.scalingExponent(sizes: widths, seconds: costs)
                let (largest, largestCosts) = (Array(widths.suffix(2)), Array(costs.suffix(2)))
                let last = Timing.scalingExponent(sizes: largest, seconds: largestCosts)
                let title = "\(name): preconditioner (step − SGD step), MLP 784-w-w-10, batch \(batch), Float"
                report.record(ScalingRow(name: title, sizes: widths, seconds: costs, exponent: exponent))
                if widths.count > 2 {
                    report.record(ScalingRow(name: title + ", two largest widths", sizes: largest, seconds: largestCosts,
                                             exponent: last))
                }
                print("  \(name): preconditioner cost exponent \(String(format: "%.2f", exponent)) over w \(widths), "
                    + "\(String(format: "%.2f", last)) between \(largest.map(String.init).joined(separator: " and "))")
            } else if name != baselineName {
                print("  \(name): no exponent ("
                    + (widths.count < 2 ? "one width" : "a preconditioner cost ≤ 0 at some width: \(costs)") + ")")
            }
            // The cost model's parts apart: the factor update (K-FAC's O(n²·B) syrks, B-KFAC's
            // O(n·(r + B)²) Brand updates) and the inversion amortised over T_inv (K-FAC's O(n³)
            // decompositions, the randomized refreshes' O(n²·ℓ) passes), each fitted over every width
            // and between the two largest alone (where fixed per-step costs matter least). A phase
            // under 1 % of the step at every width (SINGD has no inversion) is timer noise: no fit.
            let steps = widths.compactMap { entry(name, $0)?.measurement.secondsPerStep }
            for (phase, values) in [("factor update", factorSeconds), ("inversion (amortised over T_inv)", inversionSeconds)]
                where name != baselineName && widths.count >= 2 && values.count == widths.count
                    && values.allSatisfy({ $0 > 0 }) && zip(values, steps).contains(where: { $0 >= $1 / 100 }) {
                let exponent = Timing.scalingExponent(sizes: widths, seconds: values)
                let last = Timing.scalingExponent(sizes: Array(widths.suffix(2)), seconds: Array(values.suffix(2)))
                report.record(ScalingRow(name: "\(name): \(phase), MLP 784-w-w-10, batch \(batch), Float",
                                         sizes: widths, seconds: values, exponent: exponent))
                print("  \(name): \(phase) exponent \(String(format: "%.2f", exponent)) over w \(widths), "
                    + "\(String(format: "%.2f", last)) between \(widths.suffix(2).map(String.init).joined(separator: " and "))")
            }
        }
        print(text)
    }

    /// `26.0 MB`.
    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
