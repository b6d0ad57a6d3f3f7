import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import StructuredFactors

/// The K-FAC family at width (issue 15): one optimizer step of an MLP 784-w-w-10 at batch 128,
/// Float, amortised over an inverse period (T_inv = 20, T_cov = 10), for every method against
/// SGD-momentum; the scaling exponent in w of each method's preconditioner cost (its factor
/// update, inversion and update phases less SGD's update phase), the optimizer state, and
/// where a step's time goes by phase.
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

    static let (batch, factorPeriod, inversePeriod, rank) = (128, 10, 20, 64)

    static func run(_ report: inout KernelReport) throws {
        let widths = report.quick ? [256, 512, 1024] : [512, 1024, 2048, 4096]
        var generator = Xoshiro256StarStar(seed: 15)
        let input = try Matrix<Float>.randomGaussian(rows: 784, columns: batch, using: &generator)
        let labels = (0..<batch).map { _ in Int.random(in: 0..<10, using: &generator) }
        let target = try Matrix<Float>.oneHot(labels, classCount: 10)
        let options = KroneckerOptimizerOptions(learningRate: 0.01, factorUpdatePeriod: factorPeriod,
                                                inverseUpdatePeriod: inversePeriod)
        let singdOptions = KroneckerOptimizerOptions(learningRate: 0.01, klClip: nil, factorUpdatePeriod: factorPeriod)
        // name → seconds per step at each width, in the order measured.
        var table: [(name: String, width: Int, measurement: Measurement)] = []
        for width in widths {
            let widthsOfModel = [784, width, width, 10]
            // The largest widths take seconds per period: one period there, the best of three below.
            let periods = width >= 2048 ? 1 : (report.quick ? 2 : 3)
            func measure(_ name: String, _ make: (Sequential<Float>) throws -> some Optimizer<Float>) throws {
                let measurement = try Self.measure(widths: widthsOfModel, periods: periods, input: input,
                                                   target: target, make)
                table.append((name, width, measurement))
                let phases = measurement.phases
                print("  \(name) [w \(width)]: \(format(measurement.secondsPerStep)) per step, state "
                    + "\(megabytes(measurement.stateBytes)); per step fwd/bwd \(format(phases.forwardBackward)), "
                    + "factors \(format(phases.factorUpdate)), inversion \(format(phases.inversion)), "
                    + "preconditioning \(format(phases.application))")
            }
            try measure("SGD-momentum") { try StochasticGradientDescent<Float>(model: $0, options: .init(learningRate: 0.01)) }
            for route in KroneckerBlockOptions.Route.allCases {
                try measure("K-FAC \(route) route") {
                    try KFAC<Float>(model: $0, options: options, configuration: .init(options: .init(route: route)))
                }
            }
            for method in [LowRankKFACBlock<Float>.Method.randomizedSVD, .randomizedEVD, .brand, .brandWithCorrection] {
                try measure("\(method.rawValue) rank \(rank)") {
                    try LowRankKFAC<Float>(model: $0, options: options, configuration: .init(method: method, rank: rank))
                }
            }
            try measure("SINGD diagonal") {
                try SINGD<DiagonalMatrix<Float>, DiagonalMatrix<Float>>(model: $0, options: singdOptions,
                                                                          configuration: .init())
            }
        }
        record(table, widths: widths, into: &report)
    }

    /// Steps of a fresh `make(model)` on the MLP of `widths`: one untimed step (the first factor
    /// update and inversion), then `periods` inverse periods of T_inv steps, each holding exactly
    /// one inversion and T_inv / T_cov factor updates; the best period counts.
    /// - Throws: optimizer errors, or `invalidArgument` when a loss is not finite.
    static func measure(widths: [Int], periods: Int, input: Matrix<Float>, target: Matrix<Float>,
                        _ make: (Sequential<Float>) throws -> some Optimizer<Float>) throws -> Measurement {
        var model = try OptimizerSection.mlp(widths, seed: 1)
        var optimizer = try make(model)
        let loss = SoftmaxCrossEntropy<Float>()
        var losses = [try optimizer.step(&model, input: input, target: target, loss: loss).loss]
        var best = Measurement(secondsPerStep: .infinity, stateBytes: 0, phases: PhaseTimings())
        for _ in 0..<periods {
            let before = optimizer.timings
            let start = Timing.now()
            for _ in 0..<inversePeriod {
                losses.append(try optimizer.step(&model, input: input, target: target, loss: loss).loss)
            }
            let seconds = (Timing.now() - start) / Double(inversePeriod)
            if seconds < best.secondsPerStep {
                let after = optimizer.timings, count = Double(inversePeriod)
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

    /// Rows against SGD at each width, the exponents of the preconditioner costs, and the
    /// markdown tables of steps, state and phases.
    static func record(_ table: [(name: String, width: Int, measurement: Measurement)], widths: [Int],
                      into report: inout KernelReport) {
        var names: [String] = []
        for entry in table where !names.contains(entry.name) { names.append(entry.name) }
        func measurement(_ name: String, _ width: Int) -> Measurement? {
            table.first { $0.name == name && $0.width == width }?.measurement
        }
        var text = "\n| method | w | ms/step | × SGD | preconditioner (ms) | state | fwd/bwd | factors | inversion "
            + "| preconditioning |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for name in names {
            var costs: [Double] = []
            for width in widths {
                guard let m = measurement(name, width), let sgd = measurement("SGD-momentum", width) else { continue }
                // The preconditioner's cost from the method's own phases: its time outside the forward
                // and backward pass less SGD's update. Measured in the same period as the method, it does
                // not drift with the load between the SGD run and the method's, as `step − SGD step` does.
                let phases = m.phases
                let cost = phases.factorUpdate + phases.inversion + phases.application - sgd.phases.application
                costs.append(cost)
                let size = "MLP 784-\(width)-\(width)-10, batch \(batch), state \(megabytes(m.stateBytes))"
                report.record(ReportRow(name: "\(name), step (T_cov \(factorPeriod), T_inv \(inversePeriod)) Float",
                                        size: size, seconds: m.secondsPerStep, baseline: "SGD-momentum step",
                                        baselineSeconds: sgd.secondsPerStep,
                                        speedup: sgd.secondsPerStep / m.secondsPerStep, gflops: nil))
                let columns = [phases.forwardBackward, phases.factorUpdate, phases.inversion, phases.application]
                text += "| \(name) | \(width) | \(String(format: "%.1f", 1000 * m.secondsPerStep)) | "
                    + "\(String(format: "%.2f", m.secondsPerStep / sgd.secondsPerStep)) | "
                    + "\(String(format: "%.1f", 1000 * cost)) | \(megabytes(m.stateBytes)) | "
                    + columns.map { String(format: "%.1f", 1000 * $0) }.joined(separator: " | ") + " |\n"
            }
            // The exponent needs a positive cost at every width; SGD's own is zero.
            if name != "SGD-momentum", costs.count == widths.count, costs.allSatisfy({ $0 > 0 }) {
                let exponent = Timing.scalingExponent(sizes: widths, seconds: costs)
                report.record(ScalingRow(name: "\(name): preconditioner (factors + inversion + update − SGD's update), MLP 784-w-w-10, batch \(batch), Float",
                                         sizes: widths, seconds: costs, exponent: exponent))
                print("  \(name): preconditioner cost exponent \(String(format: "%.2f", exponent)) over w \(widths)")
            } else if name != "SGD-momentum" {
                print("  \(name): no exponent (a preconditioner cost ≤ 0 at some width: \(costs))")
            }
        }
        print(text)
    }

    /// `26.0 MB`.
    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
